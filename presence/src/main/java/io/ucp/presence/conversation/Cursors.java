package io.ucp.presence.conversation;

import io.ucp.presence.platform.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque cursors: base64url of a small positional string the client must not interpret. */
public final class Cursors {

    private Cursors() {
    }

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes, or 400 naming the {@code cursor} parameter. */
    public static String decode(String cursor) {
        try {
            String position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            // A tampered cursor with NUL (PostgreSQL refuses it in text), control characters (tab, CR, LF excepted:
            // positions use '\n' as a separator) or broken UTF-8 is the client's mistake: 400, not 500.
            if (position.length() > 1000 || position.indexOf('\ufffd') >= 0
                    || io.ucp.presence.input.TextRules.hasControlCharacter(position)) {
                throw invalid();
            }
            return position;
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor this API issued");
        }
    }

    /**
     * The {@code limit} query parameter as sent, {@code defaultLimit} when absent. Taken as text so a non-number is
     * a 400 naming {@code limit}, as an out-of-range number is; JAX-RS answers a query parameter that does not
     * convert with a bare 404.
     */
    public static int limitParameter(String raw, int defaultLimit, int max) {
        if (raw == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Falls through to the same 400 as an out-of-range number.
        }
        throw ProblemException.badRequest("limit", "must be between 1 and " + max);
    }

    public static ProblemException invalid() {
        return ProblemException.badRequest("cursor", "is not a cursor this API issued");
    }
}
