package io.ucp.billing.cdr;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The fields billing reads from call.events' {@code call} snapshot (tolerant reader: the rest is ignored). PostgreSQL
 * stores no NUL in text or jsonb: a NUL in any text or JSON value of the snapshot (signaling refuses them at its
 * edge, but a CDR must never be lost to one) is replaced by U+FFFD, so the CDR is written and the consumer goes on.
 */
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
                integer(call, "durationSeconds"), integer(call, "billableSeconds"), safe(call.get("transfer")),
                safe(call.get("recordings")), safe(call.get("legs")));
    }

    static final char REPLACEMENT = '\uFFFD';

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : safe(value.asText());
    }

    /** The text without NUL (which PostgreSQL cannot store). */
    static String safe(String text) {
        return text.indexOf('\0') < 0 ? text : text.replace('\0', REPLACEMENT);
    }

    /** A copy of the tree without NUL in any string or field name (jsonb refuses the NUL escape). */
    static JsonNode safe(JsonNode node) {
        if (node == null || !node.toString().contains("\\u0000")) {
            return node;
        }
        if (node.isTextual()) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(safe(node.asText()));
        }
        if (node.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode copy =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(f -> copy.set(safe(f.getKey()), safe(f.getValue())));
            return copy;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode copy =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(safe(item)));
            return copy;
        }
        return node;
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
