package io.ucp.signaling.media;

/**
 * Fired (CDI, synchronously, on the thread that saw it) once rtpengine has released a call's media: after
 * {@link MediaRelay#delete} succeeded and after the stale-session sweep deleted a session. Observers must not block.
 */
public record MediaReleased(String callId) {
}
