package io.ucp.signaling.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A call as the API returns it and as every call.events event carries it in {@code data.call} (the contract's
 * snapshot; consumers drop a snapshot whose version is older than one they already applied). {@code queueId} is the
 * queue the call waits in or last went through; {@code waitingInQueue} is true while the caller waits there.
 */
@RegisterForReflection
public record CallView(UUID callId, String direction, String state, String endCause, UUID callerAccountId,
        UUID callerDeviceId, String callerNumber, UUID calleeAccountId, String calleeNumber, String calleeKind,
        UUID payingAccountId, UUID queueId, OffsetDateTime createdAt, OffsetDateTime ringingAt,
        OffsetDateTime answeredAt, OffsetDateTime endedAt, long durationSeconds, long billableSeconds,
        List<LegView> legs, Transfer transfer, JsonNode recordings, long version, boolean waitingInQueue) {

    @RegisterForReflection
    /** One leg; {@code number} is the outside party's number on a trunk leg (null on other legs). */
    public record LegView(UUID legId, UUID accountId, UUID deviceId, String role, String state, String endCause,
            boolean muted, OffsetDateTime answeredAt, OffsetDateTime endedAt, String number) {
    }

    static CallView of(Call call, JsonNode recordings) {
        long talked = call.answeredAt() == null || call.endedAt() == null ? 0
                : Duration.between(call.answeredAt(), call.endedAt()).toMillis();
        // Whole seconds talked; billing is per started second, so a part second counts as one.
        long duration = talked / 1000;
        long billable = (talked + 999) / 1000;
        // Signaling names a payer only where it knows one: the caller of an internal or outbound call. Who pays for
        // an inbound call (free unless forwarded out) is billing's rule, so it is left to billing.
        // Who pays (billing rates the call for them): the caller of internal and outbound calls; on inbound calls
        // billing decides (free for the callee); a callee whose routing forwarded the call to an outside number pays
        // for that leg, on any call.
        UUID paying = "number".equals(call.calleeKind()) && call.calleeAccountId() != null ? call.calleeAccountId()
                : "inbound".equals(call.direction()) ? null : call.callerAccountId();
        List<LegView> legs = call.legs().stream().map(l -> new LegView(l.id(), l.accountId(), l.deviceId(), l.role(),
                l.state(), l.endCause(), l.muted(), l.answeredAt(), l.endedAt(), l.number())).toList();
        return new CallView(call.id(), call.direction(), call.state(), call.endCause(), call.callerAccountId(),
                call.callerDeviceId(), call.callerNumber(), call.calleeAccountId(), call.calleeNumber(),
                call.calleeKind(), paying, call.queueId() != null ? call.queueId() : call.lastQueueId(),
                call.createdAt(), call.ringingAt(), call.answeredAt(),
                call.endedAt(), duration, billable, legs, call.transfer(), recordings, call.version(),
                call.queueId() != null);
    }
}
