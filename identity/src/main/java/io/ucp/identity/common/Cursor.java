package io.ucp.identity.common;

import io.ucp.identity.platform.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/** Opaque keyset cursor: the sort values of the last row of a page, base64url-encoded. */
public final class Cursor {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private Cursor() {
    }

    public static String encode(String... values) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join("\n", values).getBytes(StandardCharsets.UTF_8));
    }

    /** The values of a cursor with {@code parts} values; a tampered cursor is a 400 naming {@code cursor}. */
    public static List<String> decode(String cursor, int parts) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            List<String> values = List.of(text.split("\n", -1));
            if (values.size() != parts) {
                throw new IllegalArgumentException();
            }
            return values;
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor this API returned");
        }
    }

    /** One value of a decoded cursor, parsed; a value that does not parse is a tampered cursor, a 400. */
    public static <T> T value(String raw, Function<String, T> parse) {
        try {
            return parse.apply(raw);
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor this API returned");
        }
    }

    /**
     * The {@code limit} query parameter as sent. Taken as text so a non-number is a 400 naming {@code limit}, as
     * an out-of-range number is; JAX-RS answers a query parameter that does not convert with a bare 404.
     */
    public static Integer limitParameter(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Integer.valueOf(raw.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
    }

    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ProblemException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return requested;
    }
}
