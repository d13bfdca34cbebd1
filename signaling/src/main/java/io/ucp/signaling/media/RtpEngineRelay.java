package io.ucp.signaling.media;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link MediaRelay} on rtpengine. Each SDP rtpengine hands out is shaped for the side that receives it:
 * <ul>
 * <li>to a {@link Profile#RTP} side: {@code transport-protocol RTP/AVP, ICE remove, DTLS off, rtcp-mux demux,
 * strip-extmap} (a WebRTC source's SAVPF, ICE, fingerprint and mux vanish; plain RTP passes unchanged);</li>
 * <li>to a {@link Profile#WEBRTC} side: {@code transport-protocol UDP/TLS/RTP/SAVPF, ICE force, DTLS passive, SDES off}
 * and rtcp-mux (offered in offers, required in answers), {@code generate-mid} in offers (the browser's answer must
 * echo that mid).</li>
 * </ul>
 * Always {@code trust-address} and {@code replace origin, session-connection}; the configured transcode codecs are
 * added where missing so the two sides share at least one codec (rtpengine transcodes in userspace).
 */
@ApplicationScoped
public class RtpEngineRelay implements MediaRelay {

    private final NgClient ng;
    private final MediaConfig config;
    private final Event<MediaReleased> released;

    @Inject
    public RtpEngineRelay(NgClient ng, MediaConfig config, Event<MediaReleased> released) {
        this.ng = ng;
        this.config = config;
        this.released = released;
    }

    /** A relay that tells nobody about released media (tests with their own client). */
    public RtpEngineRelay(NgClient ng, MediaConfig config) {
        this(ng, config, null);
    }

    @Override
    public Uni<String> offer(MediaLeg leg, String sdp) {
        return Uni.createFrom().deferred(() -> offerNow(leg, sdp));
    }

    private Uni<String> offerNow(MediaLeg leg, String sdp) {
        Map<String, Object> cmd = command("offer", leg.callId());
        cmd.put("from-tag", leg.fromTag());
        if (leg.toTag() != null) {
            cmd.put("to-tag", leg.toTag());
        }
        if (leg.branch() != null) {
            cmd.put("via-branch", leg.branch());
        }
        cmd.put("sdp", requireSdp(sdp));
        shapeFor(cmd, leg.answererProfile(), true);
        return call(cmd).map(RtpEngineRelay::sdpOf);
    }

    @Override
    public Uni<String> answer(MediaLeg leg, String sdp) {
        return Uni.createFrom().deferred(() -> answerNow(leg, sdp));
    }

    private Uni<String> answerNow(MediaLeg leg, String sdp) {
        if (leg.toTag() == null || leg.toTag().isBlank()) {
            throw new IllegalArgumentException("an answer needs the answerer's toTag");
        }
        Map<String, Object> cmd = command("answer", leg.callId());
        cmd.put("from-tag", leg.fromTag());
        cmd.put("to-tag", leg.toTag());
        if (leg.branch() != null) {
            cmd.put("via-branch", leg.branch());
        }
        cmd.put("sdp", requireSdp(sdp));
        shapeFor(cmd, leg.offererProfile(), false);
        return call(cmd).map(RtpEngineRelay::sdpOf);
    }

    @Override
    public Uni<Void> delete(String callId) {
        // rtpengine answers an unknown call with result ok plus a warning: delete is idempotent as it is.
        return Uni.createFrom().deferred(() -> call(command("delete", callId))).replaceWithVoid()
                .invoke(() -> {
                    if (released != null) {
                        released.fire(new MediaReleased(callId));
                    }
                });
    }

    @Override
    public Uni<MediaStats> query(String callId) {
        return Uni.createFrom().deferred(() -> call(command("query", callId))).map(reply -> stats(callId, reply));
    }

    @Override
    public Uni<Void> startRecording(String callId) {
        return Uni.createFrom().deferred(() -> call(command("start recording", callId))).replaceWithVoid();
    }

    @Override
    public Uni<Void> stopRecording(String callId) {
        return Uni.createFrom().deferred(() -> call(command("stop recording", callId))).replaceWithVoid();
    }

    @Override
    public Uni<Boolean> ping() {
        if (!config.enabled()) {
            return Uni.createFrom().item(false);
        }
        return ng.request(Map.of("command", "ping")).map(reply -> "pong".equals(reply.get("result")))
                .onFailure().recoverWithItem(false);
    }

    /** rtpengine's call-ids of this deployment's sessions, as call ids (prefix removed). */
    public Uni<List<String>> list(int max) {
        return call(Map.of("command", "list", "limit", (long) max)).map(reply -> {
            List<String> ids = new ArrayList<>();
            if (reply.get("calls") instanceof List<?> calls) {
                for (Object c : calls) {
                    String id = String.valueOf(c);
                    if (id.startsWith(config.callIdPrefix())) {
                        ids.add(id.substring(config.callIdPrefix().length()));
                    }
                }
            }
            return ids;
        });
    }

    /** When rtpengine created the call's session (epoch seconds), or NOT_FOUND. */
    public Uni<Long> createdAt(String callId) {
        return Uni.createFrom().deferred(() -> call(command("query", callId))).map(reply -> number(reply.get("created")));
    }

    /** rtpengine's call-id for one of our calls. */
    public String ngCallId(String callId) {
        return config.callIdPrefix() + callId;
    }

    private Map<String, Object> command(String name, String callId) {
        // Bad arguments fail the Uni (deferred callers) or throw at once, never reach rtpengine.
        if (callId == null || callId.isBlank()) {
            throw new IllegalArgumentException("callId is required");
        }
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("command", name);
        cmd.put("call-id", ngCallId(callId));
        return cmd;
    }

    private void shapeFor(Map<String, Object> cmd, Profile receiver, boolean offer) {
        List<String> flags = new ArrayList<>(List.of("trust-address"));
        cmd.put("replace", List.of("origin", "session-connection"));
        if (receiver == Profile.RTP) {
            cmd.put("transport-protocol", "RTP/AVP");
            cmd.put("ICE", "remove");
            cmd.put("DTLS", "off");
            cmd.put("rtcp-mux", List.of("demux"));
            flags.add("strip-extmap");
        } else {
            cmd.put("transport-protocol", "UDP/TLS/RTP/SAVPF");
            cmd.put("ICE", "force");
            cmd.put("DTLS", "passive");
            cmd.put("SDES", List.of("off"));
            cmd.put("rtcp-mux", List.of(offer ? "offer" : "require"));
            if (offer) {
                flags.add("generate-mid");
            }
        }
        cmd.put("flags", flags);
        if (offer && !config.transcode().isEmpty()) {
            cmd.put("codec", Map.of("transcode", config.transcode()));
        }
    }

    private Uni<Map<String, Object>> call(Map<String, ?> cmd) {
        if (!config.enabled()) {
            return Uni.createFrom().failure(new MediaRelayException(MediaRelayException.Reason.DISABLED,
                    "media relay is disabled"));
        }
        return ng.request(cmd).map(reply -> {
            Object result = reply.get("result");
            if ("ok".equals(result) || "pong".equals(result)) {
                return reply;
            }
            String reason = String.valueOf(reply.getOrDefault("error-reason", "no error-reason"));
            if ("error".equals(result) && reason.toLowerCase().contains("unknown call")) {
                throw new MediaRelayException(MediaRelayException.Reason.NOT_FOUND, "rtpengine: " + reason);
            }
            if ("error".equals(result)) {
                throw new MediaRelayException(MediaRelayException.Reason.REJECTED,
                        "rtpengine refused '" + cmd.get("command") + "': " + reason);
            }
            throw new MediaRelayException(MediaRelayException.Reason.MALFORMED,
                    "rtpengine replied to '" + cmd.get("command") + "' with result " + result);
        });
    }

    private static String requireSdp(String sdp) {
        if (sdp == null || !sdp.startsWith("v=0")) {
            throw new IllegalArgumentException("not an SDP body");
        }
        return sdp;
    }

    private static String sdpOf(Map<String, Object> reply) {
        if (!(reply.get("sdp") instanceof String sdp) || !sdp.startsWith("v=0")) {
            throw new MediaRelayException(MediaRelayException.Reason.MALFORMED, "rtpengine's reply carries no SDP");
        }
        return sdp;
    }

    static MediaStats stats(String callId, Map<String, Object> reply) {
        Map<?, ?> totals = map(reply.get("totals"));
        Map<?, ?> rtp = map(totals.get("RTP"));
        Map<?, ?> rtcp = map(totals.get("RTCP"));
        List<MediaStats.Side> sides = new ArrayList<>();
        for (Map.Entry<?, ?> tag : map(reply.get("tags")).entrySet()) {
            Map<?, ?> t = map(tag.getValue());
            long packets = 0;
            long bytes = 0;
            String codec = null;
            List<Integer> ports = new ArrayList<>();
            for (Object m : list(t.get("medias"))) {
                Map<?, ?> media = map(m);
                if (codec == null && media.get("codec") instanceof String c) {
                    codec = c;
                }
                for (Object s : list(media.get("streams"))) {
                    Map<?, ?> stream = map(s);
                    List<?> flags = list(stream.get("flags"));
                    if (flags.contains("RTCP") && !flags.contains("RTP")) {
                        continue; // a separate RTCP port; a muxed stream (WebRTC) says RTP and RTCP and counts
                    }
                    ports.add((int) number(stream.get("local port")));
                    Map<?, ?> st = map(stream.get("stats"));
                    packets += number(st.get("packets"));
                    bytes += number(st.get("bytes"));
                }
            }
            sides.add(new MediaStats.Side(String.valueOf(tag.getKey()), codec, packets, bytes, ports));
        }
        return new MediaStats(callId, number(rtp.get("packets")), number(rtp.get("bytes")),
                number(rtcp.get("packets")), number(rtcp.get("bytes")), sides);
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
