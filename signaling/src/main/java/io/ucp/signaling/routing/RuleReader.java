package io.ucp.signaling.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.logging.Log;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Reader of identity's routing rules exactly as identity's GET returns them (and routing-rules.changed carries them):
 * {id, position, name, enabled, conditions:{timeWindows?, callerPrefixes?, callerPattern?, presence?},
 * action:{type ring|forward|queue|reject, deviceIds?, timeoutSeconds?, toAccountId?, toNumber?, queueId?, cause?}}.
 * The matching mirrors identity's resolve (RuleMatcher / RoutingService.plan): every present condition must hold;
 * time windows are read in the callee's time zone, a window whose end is before its start runs overnight and belongs
 * to the day it starts; enabled matching rules are collected in order up to the first forward/queue/reject (ring
 * falls through on no answer); no match rings all devices. A condition this reader does not know, or a value it
 * cannot read, makes the rule not match: routing a call wrongly is worse than ignoring a rule.
 */
public final class RuleReader {

    private static final Set<String> KNOWN_CONDITIONS = Set.of("timeWindows", "callerPrefixes", "callerPattern",
            "presence");

    private RuleReader() {
    }

    /**
     * @param zone     the callee's time zone (identity's profile; UTC when unknown, as identity's default)
     * @param presence the callee's presence state (presence's presence.changed; offline when unknown)
     */
    public static List<Step> plan(JsonNode rules, String callerNumber, Instant at, ZoneId zone, String presence,
            int defaultTimeoutSeconds) {
        List<JsonNode> ordered = new ArrayList<>();
        if (rules != null && rules.isArray()) {
            rules.forEach(ordered::add);
        }
        ordered.sort(Comparator.comparingInt(r -> r.path("position").asInt(Integer.MAX_VALUE)));
        List<Step> steps = new ArrayList<>();
        for (JsonNode rule : ordered) {
            if (!rule.path("enabled").asBoolean(false)
                    || !matches(rule.path("conditions"), at, zone, callerNumber, presence)) {
                continue;
            }
            Step step = step(rule, defaultTimeoutSeconds);
            if (step == null) {
                continue;
            }
            steps.add(step);
            if (!Step.RING.equals(step.type())) {
                break;
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
        String type = action.path("type").asText("");
        return switch (type) {
            case "ring" -> new Step(ruleId, position, Step.RING, uuids(action.path("deviceIds")), timeout, null, null,
                    null, null);
            case "forward" -> {
                UUID to = uuid(action.path("toAccountId"));
                String number = action.path("toNumber").isTextual() ? action.path("toNumber").asText() : null;
                yield to == null && number == null ? null
                        : new Step(ruleId, position, Step.FORWARD, null, timeout, to, null, to == null ? number : null,
                                null);
            }
            case "queue" -> new Step(ruleId, position, Step.QUEUE, null, timeout, null, uuid(action.path("queueId")),
                    null, null);
            case "reject" -> new Step(ruleId, position, Step.REJECT, null, null, null, null, null,
                    action.path("cause").asText(null));
            default -> {
                Log.debugf("Routing rule %s has an action type this service does not know: %s", ruleId, type);
                yield null;
            }
        };
    }

    /** identity's RuleMatcher.matches, over the JSON copy. */
    static boolean matches(JsonNode c, Instant at, ZoneId zone, String callerNumber, String presence) {
        if (c == null || c.isMissingNode() || c.isNull()) {
            return true;
        }
        if (!c.isObject()) {
            return false;
        }
        var names = c.fieldNames();
        while (names.hasNext()) {
            if (!KNOWN_CONDITIONS.contains(names.next())) {
                return false;
            }
        }
        try {
            JsonNode windows = c.get("timeWindows");
            if (present(windows)) {
                if (!windows.isArray()) {
                    return false;
                }
                ZonedDateTime local = at.atZone(zone);
                boolean any = false;
                for (JsonNode w : windows) {
                    any |= inWindow(w, local);
                }
                if (!any) {
                    return false;
                }
            }
            JsonNode prefixes = c.get("callerPrefixes");
            if (present(prefixes)) {
                if (!prefixes.isArray() || callerNumber == null) {
                    return false;
                }
                boolean any = false;
                for (JsonNode p : prefixes) {
                    any |= p.isTextual() && CallerNumbers.startsWith(callerNumber, p.asText());
                }
                if (!any) {
                    return false;
                }
            }
            JsonNode pattern = c.get("callerPattern");
            if (present(pattern) && (!pattern.isTextual() || callerNumber == null
                    || !CallerNumbers.matches(pattern.asText(), callerNumber))) {
                return false;
            }
            JsonNode states = c.get("presence");
            if (present(states)) {
                if (!states.isArray()) {
                    return false;
                }
                for (JsonNode s : states) {
                    if (s.isTextual() && s.asText().equals(presence)) {
                        return true;
                    }
                }
                return false;
            }
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static boolean inWindow(JsonNode w, ZonedDateTime local) {
        if (!w.path("start").isTextual() || !w.path("end").isTextual()) {
            return false;
        }
        LocalTime start = LocalTime.parse(w.path("start").asText());
        LocalTime end = LocalTime.parse(w.path("end").asText());
        LocalTime now = local.toLocalTime();
        DayOfWeek today = local.getDayOfWeek();
        if (start.isBefore(end)) {
            return onDay(w, today) && !now.isBefore(start) && now.isBefore(end);
        }
        // Overnight: the evening part belongs to today, the morning part to the window that started yesterday.
        return (onDay(w, today) && !now.isBefore(start)) || (onDay(w, today.minus(1)) && now.isBefore(end));
    }

    private static boolean onDay(JsonNode w, DayOfWeek day) {
        JsonNode days = w.get("days");
        if (!present(days)) {
            return true;
        }
        String name = day.name().substring(0, 3).toUpperCase(Locale.ROOT);
        for (JsonNode d : days) {
            if (d.isTextual() && d.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
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
