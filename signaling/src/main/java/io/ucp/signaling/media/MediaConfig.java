package io.ucp.signaling.media;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** rtpengine (the media relay) and server-side recording. */
@ConfigMapping(prefix = "ucp.signaling.media")
public interface MediaConfig {

    /** Off: every MediaRelay call fails with DISABLED, no readiness check, no sweep. */
    @WithDefault("true")
    boolean enabled();

    /** rtpengine's ng control address (UDP). */
    @WithDefault("127.0.0.1")
    String ngHost();

    @WithDefault("22222")
    int ngPort();

    /** Local address of the ng client's socket: loopback; 0.0.0.0 when rtpengine runs on another host (containers). */
    @WithDefault("127.0.0.1")
    String bindHost();

    /** How long one attempt waits for the reply before it is sent again (same cookie: rtpengine replays). */
    @WithDefault("1s")
    Duration timeout();

    /** Retransmits after the first attempt; a request fails with TIMEOUT after (1 + retries) × timeout. */
    @WithDefault("2")
    int retries();

    /** Requests waiting for a reply at most; more fail at once with OVERLOADED. */
    @WithDefault("1024")
    int maxPending();

    /**
     * Prepended to the call id to form rtpengine's call-id, so that several deployments (or test lanes) can share one
     * rtpengine and each sweep only touches its own sessions. Letters, digits, '_', '.' and '-' only (it becomes part
     * of the recording's file name).
     */
    @WithDefault("ucp-")
    String callIdPrefix();

    /** Codecs rtpengine adds (transcoding) to each SDP it hands out when missing there, so both sides share one. */
    @WithDefault("PCMU")
    List<String> transcode();

    /** The stale-session sweep (sessions left behind by a crash). */
    Sweep sweep();

    /**
     * The UDP port rtpengine sends its DTMF events to ({@code --dtmf-log-dest}), on {@link #bindHost()}. One process
     * per rtpengine holds it and shares every event over Redis; 0 turns RFC 4733 DTMF detection off here.
     */
    @WithDefault("22224")
    int dtmfPort();

    /** Server-side recording of anchored calls. */
    Recording recording();

    interface Sweep {
        /** How often rtpengine's calls are compared with the active calls (also once at start). */
        @WithDefault("60s")
        Duration interval();

        /** A session younger than this is left alone (its call may not be committed yet). */
        @WithDefault("60s")
        Duration grace();

        /** Sessions looked at per run at most. */
        @WithDefault("500")
        int maxCalls();
    }

    interface Recording {
        /**
         * rtpengine's --recording-dir, as this service sees it (shared with rtpengine). Absent: calls are recorded by
         * the clients (presigned upload), as for calls without anchored media.
         */
        Optional<Path> dir();

        /** How long stop waits for rtpengine's metadata file (written when the pcap is closed). */
        @WithDefault("5s")
        Duration fileWait();

        /** Longest recording converted; a longer one is cut (bounds the WAV: 2 h stereo 8 kHz = 230 MB). */
        @WithDefault("2h")
        Duration maxDuration();
    }
}
