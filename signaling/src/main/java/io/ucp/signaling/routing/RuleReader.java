package io.ucp.signaling.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.logging.Log;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Tolerant reader of identity's routing rules (the list routing-rules.changed carries, as identity's GET returns
 * it): {id, position, name, enabled, conditions:{...}, action:{type, ...}}. Enabled rules whose conditions all hold
 * become the plan's steps, in position order. Known conditions: callerAccountIds [uuid], callerNumberPrefixes
 * [string], daysOfWeek ["MON".."SUN"], timeFrom/timeTo "HH:mm" with optional timeZone. A rule with a condition this
 * reader does not know never matches (routing a call wrongly is worse than ignoring a rule). Known action types:
 * ring {deviceIds?, timeoutSeconds?}, forward {toAccountId|accountId, timeoutSeconds?}, queue {queueId}, reject.
 */
public final class RuleReader {

    private static final Set<String> KNOWN_CONDITIONS = Set.of("callerAccountIds", "callerNumberPrefixes",
            "daysOfWeek", "timeFrom", "timeTo", "timeZone");

    private RuleReader() {
    }

    public static List<Step> plan(JsonNode rules, UUID callerAccount, String callerNumber, OffsetDateTime now,
            int defaultTimeoutSeconds) {
        List<JsonNode> ordered = new ArrayList<>();
        if (rules != null && rules.isArray()) {
            rules.forEach(ordered::add);
        }
        ordered.sort(Comparator.comparingInt(r -> r.path("position").asInt(Integer.MAX_VALUE)));
        List<Step> steps = new ArrayList<>();
        for (JsonNode rule : ordered) {
            if (!rule.path("enabled").asBoolean(true) || !matches(rule.path("conditions"), callerAccount, callerNumber,
                    now)) {
                continue;
            }
            Step step = step(rule, defaultTimeoutSeconds);
            if (step != null) {
                steps.add(step);
            }
        }
        if (steps.isEmpty()) {
            steps.add(Step.ringAll(defaultTimeoutSeconds));
        }
        return steps;
    }

    private static Step step(JsonNode rule, int defaultTimeoutSeconds) {
        JsonNode action = rule.path("action");
        UUID ruleId = uuid(rule.path("id"));
        Integer position = rule.hasNonNull("position") ? rule.path("position").asInt() : null;
        int timeout = Math.max(1, Math.min(300, action.path("timeoutSeconds").asInt(defaultTimeoutSeconds)));
        String type = action.path("type").asText("").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "ring", "ring-devices", "devices" -> new Step(ruleId, position, Step.RING, uuids(action.path("deviceIds")),
                    timeout, null, null);
            case "forward", "forward-to-user" -> {
                UUID to = uuid(action.hasNonNull("toAccountId") ? action.path("toAccountId") : action.path("accountId"));
                yield to == null ? null : new Step(ruleId, position, Step.FORWARD, null, timeout, to, null);
            }
            case "queue" -> new Step(ruleId, position, Step.QUEUE, null, timeout, null, uuid(action.path("queueId")));
            case "reject" -> new Step(ruleId, position, Step.REJECT, null, null, null, null);
            default -> {
                Log.debugf("Routing rule %s has an action type this service does not know: %s", ruleId, type);
                yield null;
            }
        };
    }

    static boolean matches(JsonNode conditions, UUID callerAccount, String callerNumber, OffsetDateTime now) {
        if (conditions == null || conditions.isMissingNode() || conditions.isNull()) {
            return true;
        }
        var names = conditions.fieldNames();
        while (names.hasNext()) {
            if (!KNOWN_CONDITIONS.contains(names.next())) {
                return false;
            }
        }
        JsonNode accounts = conditions.path("callerAccountIds");
        if (accounts.isArray() && !uuids(accounts).contains(callerAccount)) {
            return false;
        }
        JsonNode prefixes = conditions.path("callerNumberPrefixes");
        if (prefixes.isArray()) {
            boolean any = false;
            for (JsonNode p : prefixes) {
                any |= callerNumber != null && callerNumber.startsWith(p.asText());
            }
            if (!any) {
                return false;
            }
        }
        ZoneId zone;
        try {
            zone = conditions.hasNonNull("timeZone") ? ZoneId.of(conditions.path("timeZone").asText()) : ZoneOffset.UTC;
        } catch (RuntimeException e) {
            return false;
        }
        ZonedDateTime local = now.atZoneSameInstant(zone);
        JsonNode days = conditions.path("daysOfWeek");
        if (days.isArray()) {
            boolean any = false;
            for (JsonNode d : days) {
                any |= local.getDayOfWeek().name().startsWith(d.asText("").toUpperCase(Locale.ROOT))
                        && !d.asText("").isBlank();
            }
            if (!any) {
                return false;
            }
        }
        if (conditions.hasNonNull("timeFrom") || conditions.hasNonNull("timeTo")) {
            try {
                LocalTime from = LocalTime.parse(conditions.path("timeFrom").asText("00:00"));
                LocalTime to = LocalTime.parse(conditions.path("timeTo").asText("23:59:59"));
                LocalTime t = local.toLocalTime();
                boolean inside = from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to)
                        : !t.isBefore(from) || t.isBefore(to);
                if (!inside) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    private static List<UUID> uuids(JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        List<UUID> ids = new ArrayList<>();
        for (JsonNode n : array) {
            UUID id = uuid(n);
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static UUID uuid(JsonNode node) {
        try {
            return node == null || !node.isTextual() ? null : UUID.fromString(node.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

}
