package io.ucp.identity.profile;

import io.ucp.identity.platform.problem.ProblemException;
import java.time.ZoneId;

/** Only region-based IANA ids ("Europe/Berlin"): fixed offsets would silently ignore daylight saving time. */
public final class TimeZones {

    private TimeZones() {
    }

    public static String validate(String field, String zone) {
        if (zone == null || !ZoneId.getAvailableZoneIds().contains(zone)) {
            throw ProblemException.badRequest(field, "must be an IANA time zone such as Europe/Berlin");
        }
        return zone;
    }
}
