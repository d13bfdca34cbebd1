package io.ucp.signaling.call;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A transfer of an answered call. Blind: the transferor leaves at once and the target's devices ring
 * (state ringing → completed | failed). Attended: the transferor holds the call and consults the target in a
 * separate consult call (state consulting → completed | cancelled).
 */
@RegisterForReflection
public record Transfer(String type, String state, UUID fromAccountId, UUID toAccountId, UUID consultCallId,
        String reason, OffsetDateTime startedAt, OffsetDateTime endedAt) {

    public static final String BLIND = "blind";
    public static final String ATTENDED = "attended";
    public static final String RINGING = "ringing";
    public static final String CONSULTING = "consulting";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public boolean inProgress() {
        return RINGING.equals(state) || CONSULTING.equals(state);
    }

    public Transfer finished(String newState, String why, OffsetDateTime at) {
        return new Transfer(type, newState, fromAccountId, toAccountId, consultCallId, why, startedAt, at);
    }
}
