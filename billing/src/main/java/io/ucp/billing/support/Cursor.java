package io.ucp.billing.support;

import io.ucp.billing.platform.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Opaque keyset cursor: the (time, id) of the last item of a page. Anything else a client sends (bad base64, no
 * separator, a time outside PostgreSQL's range, an id with NUL or control characters, a non-UUID where a UUID is
 * expected) is a 400 naming the parameter, never a database error.
 */
public record Cursor(Instant at, String id) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((at.toString() + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
            int bar = text.indexOf('|');
            Instant at = Instant.parse(text.substring(0, bar));
            String id = text.substring(bar + 1);
            if (at.isBefore(EARLIEST) || at.isAfter(LATEST) || id.isEmpty() || id.length() > 200
                    || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == 0xfffd)) {
                throw new IllegalArgumentException("out of range");
            }
            return new Cursor(at, id);
        } catch (RuntimeException e) {
            throw invalid(field);
        }
    }

    /** The id as a UUID (CDR pages); a cursor whose id is not one was not issued by this API: 400. */
    public UUID uuid() {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw invalid("cursor");
        }
    }

    private static ProblemException invalid(String field) {
        return ProblemException.badRequest(field, "is not a cursor returned by this API");
    }

    /** PostgreSQL timestamptz's range is wider, but no page item is outside these years. */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
}
