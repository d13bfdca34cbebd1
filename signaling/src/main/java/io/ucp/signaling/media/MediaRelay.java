package io.ucp.signaling.media;

import io.smallrye.mutiny.Uni;

/**
 * The media plane the SIP edge codes against: media of a call anchored in rtpengine. Every method fails with a
 * {@link MediaRelayException} (never hangs: each request has a timeout and a bounded number of retransmits).
 *
 * <p>{@code callId} is the call's id in signaling ({@code call_sessions.id} as text): the stale-session sweep deletes
 * rtpengine sessions whose call is not active there. Media of one call is one rtpengine session, whatever the number
 * of SIP dialogs the B2BUA runs for it.
 */
public interface MediaRelay {

    /** The offerer's SDP in, the SDP to send to the OTHER side (the answerer) out, rewritten for its profile. */
    Uni<String> offer(MediaLeg leg, String sdp);

    /** The answerer's SDP in ({@code leg.toTag()} required), the SDP to send back to the offerer out. */
    Uni<String> answer(MediaLeg leg, String sdp);

    /**
     * Releases all media of the call. Idempotent: an unknown call succeeds. Fires {@link MediaReleased}: a server
     * recording still running is then finished and stored (RecordingService).
     */
    Uni<Void> delete(String callId);

    /** Packet and byte counters of the call; fails with reason NOT_FOUND for a call rtpengine does not hold. */
    Uni<MediaStats> query(String callId);

    /** Starts rtpengine's recording (pcap) of the call's media; see {@code ServerRecordings} for the file. */
    Uni<Void> startRecording(String callId);

    /** Stops the recording; the pcap file is complete when this returns. */
    Uni<Void> stopRecording(String callId);

    /** True when rtpengine answers a ping (false on timeout or an unexpected reply, never a failure). */
    Uni<Boolean> ping();
}
