package io.ucp.signaling.call;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A call session as the state machine sees it: the row plus its legs. Immutable; transitions return copies.
 * {@code queueId} is the queue the caller waits in now; {@code lastQueueId} the queue it last entered (kept after it
 * left, for the snapshot's queueId).
 */
public record Call(UUID id, String direction, String state, String endCause, UUID callerAccountId,
        UUID callerDeviceId, String callerNumber, String calleeKind, UUID calleeAccountId, String calleeNumber,
        UUID queueId, OffsetDateTime createdAt, OffsetDateTime ringingAt, OffsetDateTime answeredAt,
        OffsetDateTime endedAt, String timerKind, OffsetDateTime timerAt, String recordingsJson, long version,
        List<Leg> legs, Transfer transfer, UUID lastQueueId) {

    public Call {
        legs = List.copyOf(legs);
    }

    public boolean isParty(UUID account) {
        return account.equals(callerAccountId) || account.equals(calleeAccountId)
                || legs.stream().anyMatch(l -> account.equals(l.accountId()));
    }

    public Call withState(String newState) {
        return new Call(id, direction, newState, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, version, legs, transfer, lastQueueId);
    }

    /**
     * The callee's routing forwarded the call to an outside number: the call now names that number (kind
     * {@code number}) while keeping the forwarding user as its callee, who pays for the outside leg.
     */
    public Call forwardedTo(String number) {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, "number",
                calleeAccountId, number, queueId, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, version, legs, transfer, lastQueueId);
    }

    public Call answered(OffsetDateTime at) {
        return new Call(id, direction, CallStates.ACTIVE, null, callerAccountId, callerDeviceId, callerNumber,
                calleeKind, calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, at, endedAt, null, null,
                recordingsJson, version, legs, transfer, lastQueueId);
    }

    public Call ended(String cause, OffsetDateTime at) {
        return new Call(id, direction, CallStates.ENDED, cause, callerAccountId, callerDeviceId, callerNumber,
                calleeKind, calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, at, null, null,
                recordingsJson, version, legs.stream().map(l -> l.live() ? l.ended(cause, at) : l).toList(),
                transfer != null && transfer.inProgress() ? transfer.finished(Transfer.FAILED, "the call ended", at)
                        : transfer, lastQueueId);
    }

    public Call ringing(OffsetDateTime at) {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, at, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, version, legs, transfer, lastQueueId);
    }

    public Call withRecordings(String json) {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                json, version, legs, transfer, lastQueueId);
    }

    public Call withTransfer(Transfer value) {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, version, legs, value, lastQueueId);
    }

    public Call withTimer(String kind, OffsetDateTime at) {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, endedAt, kind, at,
                recordingsJson, version, legs, transfer, lastQueueId);
    }

    public Call withLegs(List<Leg> newLegs) {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, version, newLegs, transfer, lastQueueId);
    }

    public Call nextVersion() {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, version + 1, legs, transfer, lastQueueId);
    }

    /** The queue the caller waits in (null once they left it). */
    public Call withQueueId(UUID queue) {
        UUID lastQueueId = queue == null ? this.lastQueueId : queue;
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queue, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, version, legs, transfer, lastQueueId);
    }

    /** A write publishing several events bumps the version once per event (each event's snapshot is newer). */
    public Call withVersion(long newVersion) {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, newVersion, legs, transfer, lastQueueId);
    }

    public Call mapLegs(UnaryOperator<Leg> change) {
        return new Call(id, direction, state, endCause, callerAccountId, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, queueId, createdAt, ringingAt, answeredAt, endedAt, timerKind, timerAt,
                recordingsJson, version, legs.stream().map(change).toList(), transfer, lastQueueId);
    }
}
