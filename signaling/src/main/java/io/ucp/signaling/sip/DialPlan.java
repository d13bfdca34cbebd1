package io.ucp.signaling.sip;

import io.ucp.signaling.call.OriginateRequest;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How a phone addresses a call in its INVITE's Request-URI (user part, at our domain): an E.164 number
 * ({@code sip:+4930123456@ucp.local}, also {@code 00…} for phones that cannot dial "+"), a user by account id
 * ({@code sip:<account-uuid>@ucp.local}) or a queue ({@code sip:queue-<queue-uuid>@ucp.local}). The same three
 * targets as {@code POST /v1/calls}.
 */
public final class DialPlan {

    /** What a dialled string means; exactly one of the ids or the number is set. */
    public record Target(UUID accountId, String number, UUID queueId) {
    }

    private static final Pattern E164 = Pattern.compile(OriginateRequest.E164);
    private static final String QUEUE = "queue-";

    private DialPlan() {
    }

    /** The target dialled, or null when the string addresses nothing this platform serves. */
    public static Target parse(String dialled) {
        if (dialled == null || dialled.isEmpty() || dialled.length() > 64) {
            return null;
        }
        String digits = dialled.startsWith("00") ? "+" + dialled.substring(2) : dialled;
        if (E164.matcher(digits).matches()) {
            return new Target(null, digits, null);
        }
        String lower = dialled.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith(QUEUE)) {
            UUID queue = uuid(lower.substring(QUEUE.length()));
            return queue == null ? null : new Target(null, null, queue);
        }
        UUID account = uuid(lower);
        return account == null ? null : new Target(account, null, null);
    }

    private static UUID uuid(String text) {
        if (text.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
