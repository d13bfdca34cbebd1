package io.ucp.signaling.call;

import io.ucp.signaling.platform.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An {@code Idempotency-Key} with the hash of the request it came with. Keys are scoped per account; reusing a key
 * for a different request is refused rather than silently answered with another request's result.
 */
public record Idempotency(String key, String hash) {

    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_KEY_LENGTH = 200;

    /** Null when the client sent no key (then nothing is remembered). */
    public static Idempotency of(String key, Object... request) {
        if (key == null) {
            return null;
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw ProblemException.badRequest(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        StringBuilder canonical = new StringBuilder();
        for (Object part : request) {
            canonical.append(Objects.toString(part)).append('\u0000');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return new Idempotency(key, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String storeKey(Actor actor) {
        return actor.id() + ":" + key;
    }
}
