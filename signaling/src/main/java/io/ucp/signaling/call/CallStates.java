package io.ucp.signaling.call;

/** Wire names of call and leg states, end causes and routing outcomes (as the schema's CHECKs spell them). */
public final class CallStates {

    public static final String CREATED = "created";
    public static final String ROUTING = "routing";
    public static final String RINGING = "ringing";
    public static final String ACTIVE = "active";
    public static final String HELD = "held";
    public static final String ENDED = "ended";

    public static final String NORMAL = "normal";
    public static final String BUSY = "busy";
    public static final String NO_ANSWER = "no-answer";
    public static final String REJECTED = "rejected";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";
    public static final String INSUFFICIENT_FUNDS = "insufficient-funds";
    public static final String TIMEOUT = "timeout";
    /** A device on one side of an answered call vanished and did not come back within the grace. */
    public static final String DEVICE_LOST = "device-lost";

    public static final String ANSWERED = "answered";

    public static final String RING_TIMEOUT = "ring-timeout";
    public static final String QUEUE_MAX_WAIT = "queue-max-wait";

    private CallStates() {
    }
}
