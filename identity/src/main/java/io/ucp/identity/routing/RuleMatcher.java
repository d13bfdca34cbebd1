package io.ucp.identity.routing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

/** Evaluates a rule's conditions for one call: the callee's local time, the caller's number, the callee's presence. */
final class RuleMatcher {

    private RuleMatcher() {
    }

    static boolean matches(RuleConditions c, Instant at, ZoneId zone, String callerNumber, String presence) {
        if (c == null) {
            return true;
        }
        if (c.timeWindows() != null) {
            ZonedDateTime local = at.atZone(zone);
            if (c.timeWindows().stream().noneMatch(w -> inWindow(w, local))) {
                return false;
            }
        }
        if (c.callerPrefixes() != null && (callerNumber == null
                || c.callerPrefixes().stream().noneMatch(prefix -> CallerNumbers.startsWith(callerNumber, prefix)))) {
            return false;
        }
        if (c.callerPattern() != null
                && (callerNumber == null || !CallerNumbers.matches(c.callerPattern(), callerNumber))) {
            return false;
        }
        return c.presence() == null || c.presence().contains(presence);
    }

    static boolean inWindow(RuleConditions.TimeWindow w, ZonedDateTime local) {
        LocalTime start = LocalTime.parse(w.start());
        LocalTime end = LocalTime.parse(w.end());
        LocalTime now = local.toLocalTime();
        DayOfWeek today = local.getDayOfWeek();
        if (start.isBefore(end)) {
            return onDay(w, today) && !now.isBefore(start) && now.isBefore(end);
        }
        // Overnight: the evening part belongs to today, the morning part to the window that started yesterday.
        return (onDay(w, today) && !now.isBefore(start)) || (onDay(w, today.minus(1)) && now.isBefore(end));
    }

    private static boolean onDay(RuleConditions.TimeWindow w, DayOfWeek day) {
        return w.days() == null || w.days().contains(day.name().substring(0, 3).toUpperCase(Locale.ROOT));
    }
}
