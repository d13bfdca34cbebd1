package io.ucp.identity.platform;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Access tokens as identity issues them, signed with the test key, plus the forgeries a service must refuse. */
public final class TestTokens {

    public static final String ISSUER = "https://ucp.local/identity";
    public static final String AUDIENCE = "ucp";

    private TestTokens() {
    }

    public static String user(UUID account) {
        return token(account, UUID.randomUUID().toString(), Set.of("user"), Instant.now(), "test-keys/jwt-private.pem",
                ISSUER, AUDIENCE);
    }

    public static String admin(UUID account) {
        return token(account, UUID.randomUUID().toString(), Set.of("user", "admin"), Instant.now(),
                "test-keys/jwt-private.pem", ISSUER, AUDIENCE);
    }

    public static String withSession(UUID account, String sessionId, Instant issuedAt) {
        return token(account, sessionId, Set.of("user"), issuedAt, "test-keys/jwt-private.pem", ISSUER, AUDIENCE);
    }

    public static String token(UUID account, String sessionId, Set<String> roles, Instant issuedAt, String keyFile,
            String issuer, String audience) {
        return Jwt.issuer(issuer)
                .subject(account.toString())
                .audience(audience)
                .groups(roles)
                .claim("sid", sessionId)
                .issuedAt(issuedAt)
                .expiresAt(issuedAt.plusSeconds(900))
                .jws().keyId("test-key")
                .sign(privateKey(keyFile));
    }

    /** An unsigned token ({@code alg: none}) with otherwise valid claims. */
    public static String unsigned(UUID account) {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        return header + "." + b64(claims(account)) + ".";
    }

    /** HS256 keyed with the public key's text: the classic algorithm-confusion forgery. */
    public static String hs256WithPublicKey(UUID account) throws Exception {
        String publicKeyText;
        try (var in = TestTokens.class.getClassLoader().getResourceAsStream("test-keys/jwt-public.pem")) {
            publicKeyText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"test-key\"}") + "." + b64(claims(account));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(publicKeyText.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String claims(UUID account) {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + account
                + "\",\"groups\":[\"user\",\"admin\"],\"sid\":\"" + UUID.randomUUID() + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 900) + "}";
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static PrivateKey privateKey(String resource) {
        try {
            return KeyUtils.readPrivateKey(resource);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read test key " + resource, e);
        }
    }
}
