package io.ucp.signaling.call;

import java.util.UUID;

/** Which of my ringing devices takes the call (optional: the first one ringing). */
public record AnswerRequest(UUID deviceId) {
}
