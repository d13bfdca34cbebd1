package io.ucp.billing.cdr;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The fields billing reads from call.events' {@code call} snapshot (tolerant reader: the rest is ignored). */
public record CallSnapshot(UUID callId, String direction, String endCause, UUID callerAccountId, String callerNumber,
        UUID calleeAccountId, String calleeNumber, String calleeKind, UUID payingAccountId, String queueId,
        Instant createdAt, Instant answeredAt, Instant endedAt, Integer durationSeconds, Integer billableSeconds,
        JsonNode transfer, JsonNode recordings, JsonNode legs) {

    public static CallSnapshot of(JsonNode call) {
        if (call == null || !call.isObject()) {
            throw new IllegalArgumentException("data.call is missing");
        }
        return new CallSnapshot(uuid(call, "callId"), text(call, "direction"), text(call, "endCause"),
                uuid(call, "callerAccountId"), text(call, "callerNumber"), uuid(call, "calleeAccountId"),
                text(call, "calleeNumber"), text(call, "calleeKind"), uuid(call, "payingAccountId"),
                text(call, "queueId"), time(call, "createdAt"), time(call, "answeredAt"), time(call, "endedAt"),
                integer(call, "durationSeconds"), integer(call, "billableSeconds"), call.get("transfer"),
                call.get("recordings"), call.get("legs"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    private static UUID uuid(JsonNode node, String field) {
        String value = text(node, field);
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("call." + field + " is not a UUID");
        }
    }

    private static Instant time(JsonNode node, String field) {
        String value = text(node, field);
        try {
            return value == null ? null : OffsetDateTime.parse(value).toInstant();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("call." + field + " is not a date-time");
        }
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.canConvertToInt() ? null : value.asInt();
    }
}
