package io.ucp.billing.cdr;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A CDR before rating, derived from a call.ended snapshot. The paying account rule:
 * <ul>
 * <li>{@code payingAccountId} in the snapshot, when signaling sets it, always wins (it knows who carries a leg;
 * signaling names the forwarding callee when routing forwarded a call to an outside number, which is then rated at
 * that number's rate even on an internal call);</li>
 * <li>outbound and internal calls: the caller;</li>
 * <li>inbound calls from a trunk: free for the callee, except a leg the callee's routing forwarded out to an
 * external number ({@code calleeKind = number} with a callee account), which the callee pays at the forwarded
 * number's rate;</li>
 * <li>transferred calls: still one CDR, paid per the rules above on the final snapshot, i.e. by the original
 * caller (or the payingAccountId signaling sets for the onward leg); the transfer is kept in transfer_info.</li>
 * </ul>
 * A free call's CDR belongs to the account that received it (cost 0, no ledger effect).
 */
public record CdrDraft(UUID id, UUID callId, UUID accountId, boolean charged, String destination,
        UUID callerAccountId, UUID calleeAccountId, String callerNumber, String calleeNumber, String direction,
        Instant startedAt, Instant answeredAt, Instant endedAt, int durationSeconds, int billableSeconds,
        String disposition, String endCause, String transferInfo, String queueInfo, String recordings) {

    public static final String INTERNAL = "internal";
    private static final Set<String> DIRECTIONS = Set.of("internal", "inbound", "outbound");
    private static final Set<String> END_CAUSES = Set.of("normal", "busy", "no-answer", "rejected", "cancelled",
            "failed", "insufficient-funds", "timeout", "device-lost");

    /** Throws IllegalArgumentException for a snapshot no CDR can be written from (the record is skipped, logged). */
    public static CdrDraft from(CallSnapshot c) {
        if (c.callId() == null) {
            throw new IllegalArgumentException("call.callId is missing");
        }
        if (c.direction() == null || !DIRECTIONS.contains(c.direction())) {
            throw new IllegalArgumentException("call.direction must be one of " + DIRECTIONS);
        }
        if (c.createdAt() == null || c.endedAt() == null || c.endedAt().isBefore(c.createdAt())) {
            throw new IllegalArgumentException("call.createdAt/endedAt are missing or out of order");
        }
        Instant answered = c.answeredAt();
        if (answered != null && (answered.isBefore(c.createdAt()) || answered.isAfter(c.endedAt()))) {
            throw new IllegalArgumentException("call.answeredAt is outside the call");
        }
        int duration = nonNegative(c.durationSeconds(), seconds(c.createdAt(), c.endedAt()));
        int billable = answered == null ? 0 : nonNegative(c.billableSeconds(), seconds(answered, c.endedAt()));

        UUID payer;
        boolean charged;
        String destination;
        boolean forwardedOut = "inbound".equals(c.direction()) && "number".equals(c.calleeKind())
                && c.calleeAccountId() != null;
        if (c.payingAccountId() != null) {
            payer = c.payingAccountId();
            charged = true;
            // A call forwarded out to a number is rated at that number's rate, whatever its direction.
            destination = INTERNAL.equals(c.direction()) && !"number".equals(c.calleeKind()) ? INTERNAL
                    : c.calleeNumber();
        } else if ("outbound".equals(c.direction()) || INTERNAL.equals(c.direction())) {
            payer = c.callerAccountId();
            charged = true;
            destination = INTERNAL.equals(c.direction()) ? INTERNAL : c.calleeNumber();
        } else if (forwardedOut) {
            payer = c.calleeAccountId();
            charged = true;
            destination = c.calleeNumber();
        } else {
            payer = c.calleeAccountId() != null ? c.calleeAccountId() : answeringLeg(c.legs());
            charged = false;
            destination = null;
        }
        if (payer == null) {
            throw new IllegalArgumentException("no account to attribute the call to");
        }
        if (charged && destination == null) {
            throw new IllegalArgumentException("call.calleeNumber is missing for a " + c.direction() + " call");
        }
        String endCause = c.endCause() != null && END_CAUSES.contains(c.endCause()) ? c.endCause() : null;
        String queueInfo = c.queueId() == null ? null
                : "{\"queueId\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(c.queueId()) + "}";
        String transfer = c.transfer() != null && (c.transfer().isObject() || c.transfer().isArray())
                ? c.transfer().toString() : null;
        String recordings = c.recordings() != null && c.recordings().isArray() ? c.recordings().toString() : "[]";
        return new CdrDraft(UUID.randomUUID(), c.callId(), payer, charged, destination, c.callerAccountId(),
                c.calleeAccountId(), c.callerNumber(), c.calleeNumber(), c.direction(), c.createdAt(), answered,
                c.endedAt(), duration, billable, disposition(answered, c.endCause()), endCause, transfer, queueInfo,
                recordings);
    }

    static String disposition(Instant answeredAt, String endCause) {
        if (answeredAt != null) {
            return "answered";
        }
        if (endCause == null) {
            return "failed";
        }
        return switch (endCause) {
            case "busy", "rejected" -> "busy";
            case "no-answer", "timeout" -> "no-answer";
            case "cancelled", "normal" -> "cancelled";
            case "insufficient-funds" -> "insufficient-funds";
            default -> "failed";
        };
    }

    private static UUID answeringLeg(JsonNode legs) {
        if (legs == null || !legs.isArray()) {
            return null;
        }
        for (JsonNode leg : legs) {
            String account = leg.path("accountId").asText("");
            if (!account.isBlank() && !leg.path("answeredAt").isMissingNode() && !leg.path("answeredAt").isNull()) {
                try {
                    return UUID.fromString(account);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static int seconds(Instant from, Instant to) {
        return (int) Math.min(Integer.MAX_VALUE, Duration.between(from, to).getSeconds());
    }

    private static int nonNegative(Integer given, int computed) {
        return given != null && given >= 0 ? given : computed;
    }
}
