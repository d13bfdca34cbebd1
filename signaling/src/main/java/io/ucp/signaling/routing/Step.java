package io.ucp.signaling.routing;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.UUID;

/**
 * One step of a call's routing plan, read from one of the callee's routing rules: {@code ring} the callee's devices
 * (all connected ones, or {@code deviceIds}), {@code forward} to another user ({@code toAccountId}) or an outside
 * number ({@code toNumber}, E.164), {@code queue}, or {@code reject} (with identity's {@code cause}).
 * Stored with each routing attempt (as the steps still to come), so a timer fired after a restart knows what's next.
 */
@RegisterForReflection
public record Step(UUID ruleId, Integer position, String type, List<UUID> deviceIds, Integer timeoutSeconds,
        UUID toAccountId, UUID queueId, String toNumber, String cause) {

    public static final String RING = "ring";
    public static final String FORWARD = "forward";
    public static final String QUEUE = "queue";
    public static final String REJECT = "reject";
    /** The engine's name for a forward whose target is {@code toNumber}. */
    static final String FORWARD_NUMBER = "forward-number";

    public static Step queue(UUID queueId) {
        return new Step(null, null, QUEUE, null, null, null, queueId, null, null);
    }

    /** Rings another user's connected devices (a queue's overflow to a user). */
    public static Step forward(UUID account, int timeoutSeconds) {
        return new Step(null, null, FORWARD, null, timeoutSeconds, account, null, null, null);
    }

    public static Step ringAll(int timeoutSeconds) {
        return new Step(null, null, RING, null, timeoutSeconds, null, null, null, null);
    }
}
