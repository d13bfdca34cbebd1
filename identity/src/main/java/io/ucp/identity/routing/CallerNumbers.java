package io.ucp.identity.routing;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One canonical form for everything that is compared with a caller's number: E.164 with its '+'. Caller numbers
 * arrive as E.164 ({@code +15551234567}); a pattern or prefix may be written with or without the '+', with
 * spaces, dashes or dots, and a lowercase x ({@code 1555XXX*}, {@code +1 555 xxx*}). Both are brought to the same
 * form before they are compared, here and in signaling's copy of the matcher (routing.RuleReader), which reads
 * the same test vectors (routing/caller-vectors.json).
 */
final class CallerNumbers {

    /** A '+', a first digit 1-9 (or X), at most 15 digits/X in all, and an optional trailing '*'. */
    private static final Pattern PATTERN = Pattern.compile("^\\+[1-9X][0-9X]{0,14}\\*?$");
    private static final Pattern PREFIX = Pattern.compile("^\\+[1-9][0-9]{0,14}$");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s().-]");

    private CallerNumbers() {
    }

    /** The canonical pattern ({@code +1555XXX*}), or null if {@code raw} is not a pattern. */
    static String pattern(String raw) {
        if (raw == null) {
            return null;
        }
        String compact = withPlus(SEPARATORS.matcher(raw).replaceAll("").toUpperCase(Locale.ROOT));
        return PATTERN.matcher(compact).matches() ? compact : null;
    }

    /** The canonical prefix ({@code +49}), or null if {@code raw} is not one. */
    static String prefix(String raw) {
        if (raw == null) {
            return null;
        }
        String compact = withPlus(SEPARATORS.matcher(raw).replaceAll(""));
        return PREFIX.matcher(compact).matches() ? compact : null;
    }

    /** A caller's number in the same form (E.164 already, as trunks and devices present it). */
    static String number(String raw) {
        return raw == null ? null : withPlus(SEPARATORS.matcher(raw).replaceAll(""));
    }

    /** Digit by digit: X matches any digit, a trailing * any rest; otherwise the lengths must be equal. */
    static boolean matches(String rawPattern, String rawNumber) {
        String pattern = pattern(rawPattern);
        String number = number(rawNumber);
        if (pattern == null || number == null) {
            return false;
        }
        boolean open = pattern.endsWith("*");
        String body = open ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (number.length() < body.length() || (!open && number.length() != body.length())) {
            return false;
        }
        for (int i = 0; i < body.length(); i++) {
            char p = body.charAt(i);
            char n = number.charAt(i);
            if (p == 'X' ? !Character.isDigit(n) : p != n) {
                return false;
            }
        }
        return true;
    }

    /** A prefix condition, in canonical form on both sides. */
    static boolean startsWith(String rawNumber, String rawPrefix) {
        String number = number(rawNumber);
        String prefix = prefix(rawPrefix);
        return number != null && prefix != null && number.startsWith(prefix);
    }

    private static String withPlus(String text) {
        return text.startsWith("+") ? text : "+" + text;
    }
}
