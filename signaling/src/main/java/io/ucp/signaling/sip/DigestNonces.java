package io.ucp.signaling.sip;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digest (RFC 2617/3261, MD5, qop=auth) helpers. A nonce is "issuedAtMillis.random.hmac", HMAC-SHA256 over the
 * time, the random part and the source address, under a key derived from the credential key (so any signaling
 * instance can check what another issued); it is refused from another source or after its lifetime. Single use is
 * enforced by the registrar (Redis).
 */
public final class DigestNonces {

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public DigestNonces(byte[] credentialKey, Duration ttl, Clock clock) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(credentialKey, "HmacSHA256"), "ucp sip nonce"), "HmacSHA256");
        this.ttl = ttl;
        this.clock = clock;
    }

    public String issue(String source) {
        byte[] bytes = new byte[9];
        random.nextBytes(bytes);
        String head = Long.toString(clock.millis(), 36) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return head + "." + sign(head, source);
    }

    /** Whether {@code nonce} is one of ours, for {@code source}, and still within its lifetime. */
    public boolean valid(String nonce, String source) {
        if (nonce == null || nonce.length() > 200) {
            return false;
        }
        int last = nonce.lastIndexOf('.');
        int first = nonce.indexOf('.');
        if (first <= 0 || last <= first) {
            return false;
        }
        String head = nonce.substring(0, last);
        if (!MessageDigest.isEqual(sign(head, source).getBytes(StandardCharsets.US_ASCII),
                nonce.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        try {
            long issuedAt = Long.parseLong(nonce.substring(0, first), 36);
            long age = clock.millis() - issuedAt;
            return age >= 0 && age <= ttl.toMillis();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The expected response for qop=auth: MD5(HA1:nonce:nc:cnonce:auth:MD5(method:uri)). */
    public static String response(String ha1, String nonce, String nc, String cnonce, String method, String uri) {
        return md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + md5(method + ":" + uri));
    }

    public static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String sign(String head, String source) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, head + "|" + source));
    }

    private static byte[] hmac(SecretKeySpec key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
