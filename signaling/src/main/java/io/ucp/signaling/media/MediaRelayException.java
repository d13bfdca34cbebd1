package io.ucp.signaling.media;

/** A media relay request that failed; {@link #reason()} says how. */
public class MediaRelayException extends RuntimeException {

    public enum Reason {
        /** Media is switched off ({@code ucp.signaling.media.enabled=false}). */
        DISABLED,
        /** No reply after the timeout and all retransmits: rtpengine is down or unreachable. */
        TIMEOUT,
        /** Too many requests waiting for a reply; retry later. */
        OVERLOADED,
        /** rtpengine does not hold this call. */
        NOT_FOUND,
        /** rtpengine refused the request ({@code result: error}); the message carries its error-reason. */
        REJECTED,
        /** The reply could not be read. */
        MALFORMED
    }

    private final Reason reason;

    public MediaRelayException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MediaRelayException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
