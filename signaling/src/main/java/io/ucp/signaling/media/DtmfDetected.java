package io.ucp.signaling.media;

import java.util.UUID;

/** rtpengine saw a DTMF digit (RFC 4733 telephone-event) sent by {@code deviceId}'s side of call {@code callId}. */
public record DtmfDetected(UUID callId, UUID deviceId, String digit) {
}
