package io.ucp.signaling.call;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One party's (or one rung device's) part of a call. */
public record Leg(UUID id, String role, String state, String endCause, UUID accountId, UUID deviceId, String number,
        boolean muted, OffsetDateTime createdAt, OffsetDateTime ringingAt, OffsetDateTime answeredAt,
        OffsetDateTime endedAt) {

    public static final String CALLER = "caller";
    public static final String CALLEE = "callee";
    /** A queue agent offered (ringing) or answering a queued call. */
    public static final String AGENT = "agent";

    public boolean live() {
        return !CallStates.ENDED.equals(state);
    }

    public boolean isAgent() {
        return AGENT.equals(role);
    }

    public boolean isCaller() {
        return CALLER.equals(role);
    }

    public Leg withState(String newState) {
        return new Leg(id, role, newState, endCause, accountId, deviceId, number, muted, createdAt, ringingAt,
                answeredAt, endedAt);
    }

    public Leg answered(OffsetDateTime at) {
        return new Leg(id, role, CallStates.ACTIVE, null, accountId, deviceId, number, muted, createdAt, ringingAt,
                at, endedAt);
    }

    public Leg ended(String cause, OffsetDateTime at) {
        return new Leg(id, role, CallStates.ENDED, cause, accountId, deviceId, number, muted, createdAt, ringingAt,
                answeredAt, at);
    }

    public Leg withMuted(boolean value) {
        return new Leg(id, role, state, endCause, accountId, deviceId, number, value, createdAt, ringingAt,
                answeredAt, endedAt);
    }
}
