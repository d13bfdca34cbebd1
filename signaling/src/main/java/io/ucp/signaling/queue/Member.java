package io.ucp.signaling.queue;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An agent's membership of a queue (queue_members row), as the API returns it and the engine changes it. */
@RegisterForReflection
public record Member(UUID queueId, UUID accountId, int tier, int priority, String state, OffsetDateTime stateChangedAt,
        String pausedReason, UUID currentCallId, OffsetDateTime lastOfferedAt, OffsetDateTime lastCallEndedAt,
        long callsAnswered, int missedOffers, OffsetDateTime wrapUpUntil, long version) {

    public static final String LOGGED_OUT = "logged-out";
    public static final String AVAILABLE = "available";
    public static final String ON_CALL = "on-call";
    public static final String WRAP_UP = "wrap-up";
    public static final String PAUSED = "paused";

    /** The member in another state (wrap-up deadline and pause reason follow the state). */
    public Member inState(String newState, String reason, OffsetDateTime at, OffsetDateTime wrapUntil) {
        return new Member(queueId, accountId, tier, priority, newState, state.equals(newState) ? stateChangedAt : at,
                PAUSED.equals(newState) ? reason : null, currentCallId, lastOfferedAt, lastCallEndedAt, callsAnswered,
                AVAILABLE.equals(newState) && PAUSED.equals(state) ? 0 : missedOffers,
                WRAP_UP.equals(newState) ? wrapUntil : null, version);
    }

    /** The agent answered an offer: on-call (a logged-out agent stays logged out), misses in a row reset. */
    public Member answered(UUID callId, OffsetDateTime at) {
        String next = LOGGED_OUT.equals(state) ? state : ON_CALL;
        return new Member(queueId, accountId, tier, priority, next, next.equals(state) ? stateChangedAt : at,
                LOGGED_OUT.equals(state) ? pausedReason : null, callId, lastOfferedAt, lastCallEndedAt,
                callsAnswered + 1, 0, null, version);
    }

    public Member callEnded(OffsetDateTime at) {
        return new Member(queueId, accountId, tier, priority, state, stateChangedAt, pausedReason, null, lastOfferedAt,
                at, callsAnswered, missedOffers, wrapUpUntil, version);
    }

    public Member missed() {
        return new Member(queueId, accountId, tier, priority, state, stateChangedAt, pausedReason, currentCallId,
                lastOfferedAt, lastCallEndedAt, callsAnswered, missedOffers + 1, wrapUpUntil, version);
    }

    public Member withPlacement(int newTier, int newPriority) {
        return new Member(queueId, accountId, newTier, newPriority, state, stateChangedAt, pausedReason, currentCallId,
                lastOfferedAt, lastCallEndedAt, callsAnswered, missedOffers, wrapUpUntil, version);
    }
}
