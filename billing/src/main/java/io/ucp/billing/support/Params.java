package io.ucp.billing.support;

import io.ucp.billing.platform.problem.ProblemException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Query parameters parsed here so that a bad value is a 400 naming it (not the framework's 404). */
public final class Params {

    private Params() {
    }

    public static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(field, "must be an ISO-8601 date-time with offset, e.g. 2026-01-31T00:00:00Z");
        }
    }

    public static UUID uuid(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(field, "must be a UUID");
        }
    }

    /**
     * The {@code limit} query parameter as sent. Taken as text so a non-number is a 400 naming it, as an
     * out-of-range number is; JAX-RS answers a query parameter that does not convert with a bare 404.
     */
    public static int limit(String field, String raw, int defaultLimit, int max) {
        if (raw == null) {
            return defaultLimit;
        }
        try {
            return limit(field, Integer.valueOf(raw.trim()), defaultLimit, max);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(field, "must be between 1 and " + max);
        }
    }

    public static int limit(String field, Integer value, int defaultLimit, int max) {
        if (value == null) {
            return defaultLimit;
        }
        if (value < 1 || value > max) {
            throw ProblemException.badRequest(field, "must be between 1 and " + max);
        }
        return value;
    }

    public static String oneOf(String field, String value, java.util.Set<String> allowed) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!allowed.contains(value)) {
            throw ProblemException.badRequest(field, "must be one of " + new java.util.TreeSet<>(allowed));
        }
        return value;
    }
}
