package io.ucp.identity.routing;

import io.ucp.identity.platform.problem.ProblemException;
import io.ucp.identity.profile.PhoneNumbers;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Field-by-field validation of a rule's conditions and action; a 400 names the exact field. */
final class RuleValidator {

    static final Set<String> DAYS = Set.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
    static final Set<String> PRESENCE = Set.of("available", "away", "busy", "dnd", "on-call", "offline",
            "appear-offline");
    static final Set<String> ACTIONS = Set.of("ring", "forward", "queue", "reject");
    static final Set<String> CAUSES = Set.of("busy", "declined", "unavailable", "do-not-disturb");
    private static final Pattern TIME = Pattern.compile("^([01][0-9]|2[0-3]):[0-5][0-9]$");

    private RuleValidator() {
    }

    /** Returns the action with its number normalised to E.164. */
    static RuleAction validate(RuleConditions c, RuleAction a) {
        if (c != null) {
            conditions(c);
        }
        return action(a);
    }

    /**
     * The conditions as stored and published: prefixes and the pattern in E.164 form ({@code 1555XXX*} →
     * {@code +1555XXX*}), so that identity's preview and signaling's copy compare like with like. Call after
     * {@link #validate}.
     */
    static RuleConditions canonical(RuleConditions c) {
        if (c == null) {
            return RuleConditions.none();
        }
        return new RuleConditions(c.timeWindows(),
                c.callerPrefixes() == null ? null : c.callerPrefixes().stream().map(CallerNumbers::prefix).toList(),
                CallerNumbers.pattern(c.callerPattern()), c.presence());
    }

    private static void conditions(RuleConditions c) {
        if (c.timeWindows() != null) {
            if (c.timeWindows().isEmpty() || c.timeWindows().size() > 14) {
                throw bad("conditions.timeWindows", "must hold 1 to 14 windows");
            }
            for (int i = 0; i < c.timeWindows().size(); i++) {
                String f = "conditions.timeWindows[" + i + "]";
                RuleConditions.TimeWindow w = c.timeWindows().get(i);
                if (w == null) {
                    throw bad(f, "must not be null");
                }
                if (w.days() != null) {
                    if (w.days().isEmpty() || !DAYS.containsAll(w.days()) || new HashSet<>(w.days()).size() != w.days().size()) {
                        throw bad(f + ".days", "must be distinct days among MON, TUE, WED, THU, FRI, SAT, SUN");
                    }
                }
                LocalTime start = time(f + ".start", w.start());
                LocalTime end = time(f + ".end", w.end());
                if (start.equals(end)) {
                    throw bad(f + ".end", "must differ from start");
                }
            }
        }
        if (c.callerPrefixes() != null) {
            if (c.callerPrefixes().isEmpty() || c.callerPrefixes().size() > 50) {
                throw bad("conditions.callerPrefixes", "must hold 1 to 50 prefixes");
            }
            for (int i = 0; i < c.callerPrefixes().size(); i++) {
                if (CallerNumbers.prefix(c.callerPrefixes().get(i)) == null) {
                    throw bad("conditions.callerPrefixes[" + i + "]",
                            "must be a country code and digits, + optional (E.164: first digit 1-9, at most 15)");
                }
            }
        }
        if (c.callerPattern() != null && CallerNumbers.pattern(c.callerPattern()) == null) {
            throw bad("conditions.callerPattern", "must be digits and X (any digit) from the country code on, "
                    + "+ optional, optionally ending in * (E.164: first digit 1-9, at most 15)");
        }
        if (c.presence() != null) {
            if (c.presence().isEmpty() || !PRESENCE.containsAll(c.presence())) {
                throw bad("conditions.presence", "must list states among " + String.join(", ", PRESENCE.stream().sorted().toList()));
            }
        }
    }

    private static RuleAction action(RuleAction a) {
        if (a == null) {
            throw bad("action", "is required");
        }
        if (a.type() == null || !ACTIONS.contains(a.type())) {
            throw bad("action.type", "must be one of ring, forward, queue, reject");
        }
        switch (a.type()) {
            case "ring" -> {
                only(a, "ring", a.toAccountId(), a.toNumber(), a.queueId(), a.cause());
                if (a.deviceIds() != null && (a.deviceIds().isEmpty() || a.deviceIds().size() > 20
                        || a.deviceIds().contains(null))) {
                    throw bad("action.deviceIds", "must list 1 to 20 device ids (leave it out to ring all devices)");
                }
                int timeout = a.timeoutSeconds() == null ? 30 : a.timeoutSeconds();
                if (timeout < 5 || timeout > 300) {
                    throw bad("action.timeoutSeconds", "must be between 5 and 300");
                }
                return new RuleAction("ring", a.deviceIds() == null ? null : List.copyOf(new java.util.LinkedHashSet<>(a.deviceIds())),
                        timeout, null, null, null, null);
            }
            case "forward" -> {
                only(a, "forward", a.deviceIds(), a.timeoutSeconds(), a.queueId(), a.cause());
                if ((a.toAccountId() == null) == (a.toNumber() == null)) {
                    throw bad("action.toNumber", "give exactly one of toAccountId and toNumber");
                }
                String number = a.toNumber() == null ? null : PhoneNumbers.toE164("action.toNumber", a.toNumber(), null);
                return new RuleAction("forward", null, null, a.toAccountId(), number, null, null);
            }
            case "queue" -> {
                only(a, "queue", a.deviceIds(), a.timeoutSeconds(), a.toAccountId(), a.toNumber(), a.cause());
                if (a.queueId() == null) {
                    throw bad("action.queueId", "is required");
                }
                return new RuleAction("queue", null, null, null, null, a.queueId(), null);
            }
            default -> {
                only(a, "reject", a.deviceIds(), a.timeoutSeconds(), a.toAccountId(), a.toNumber(), a.queueId());
                if (a.cause() == null || !CAUSES.contains(a.cause())) {
                    throw bad("action.cause", "must be one of busy, declined, unavailable, do-not-disturb");
                }
                return new RuleAction("reject", null, null, null, null, null, a.cause());
            }
        }
    }

    private static void only(RuleAction a, String type, Object... mustBeNull) {
        for (Object field : mustBeNull) {
            if (field != null) {
                throw bad("action", "has fields that do not belong to a " + type + " action");
            }
        }
    }

    private static LocalTime time(String field, String value) {
        if (value == null || !TIME.matcher(value).matches()) {
            throw bad(field, "must be a time HH:mm");
        }
        try {
            return LocalTime.parse(value);
        } catch (DateTimeParseException e) {
            throw bad(field, "must be a time HH:mm");
        }
    }

    private static ProblemException bad(String field, String message) {
        return ProblemException.badRequest(field, message);
    }
}
