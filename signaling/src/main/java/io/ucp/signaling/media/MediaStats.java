package io.ucp.signaling.media;

import java.util.List;

/**
 * A call's media counters from rtpengine: totals and, per side (tag), what rtpengine received from that side
 * (so {@code sides[A].rtpPackets} is the traffic A sent into the relay).
 */
public record MediaStats(String callId, long rtpPackets, long rtpBytes, long rtcpPackets, long rtcpBytes,
        List<Side> sides) {

    /** Traffic received from one side on its RTP stream(s). */
    public record Side(String tag, String codec, long rtpPackets, long rtpBytes, List<Integer> localPorts) {
    }

    /** The side with this tag, or null. */
    public Side side(String tag) {
        return sides.stream().filter(s -> s.tag().equals(tag)).findFirst().orElse(null);
    }
}
