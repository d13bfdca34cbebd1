package io.ucp.identity.token;

import io.smallrye.jwt.util.KeyUtils;
import io.ucp.identity.config.IdentityConfig;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.Startup;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key identity signs with and the earlier public keys still accepted during a rotation. Key ids are RFC 7638
 * thumbprints, so every service derives the same id from the same key without coordination. Loaded at start-up:
 * a missing or unreadable key stops the service instead of failing logins later.
 */
@Startup
@ApplicationScoped
public class SigningKeys {

    /** One verification key as published in the JWKS. */
    public record VerificationKey(String kid, RSAPublicKey key) {
    }

    private final PrivateKey signingKey;
    private final VerificationKey current;
    private final List<VerificationKey> all;

    public SigningKeys(IdentityConfig config) {
        try {
            PrivateKey privateKey = KeyUtils.decodePrivateKey(pem(config.jwt().privateKeyLocation()));
            if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
                throw new IllegalStateException("The signing key must be an RSA (PKCS#8) private key");
            }
            RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            this.signingKey = privateKey;
            this.current = new VerificationKey(thumbprint(publicKey), publicKey);
            List<VerificationKey> keys = new ArrayList<>();
            keys.add(current);
            for (String location : config.jwt().previousPublicKeyLocations().orElse(List.of())) {
                PublicKey previous = KeyUtils.decodePublicKey(pem(location));
                if (!(previous instanceof RSAPublicKey rsa)) {
                    throw new IllegalStateException("Previous key " + location + " is not an RSA public key");
                }
                String kid = thumbprint(rsa);
                if (keys.stream().noneMatch(k -> k.kid().equals(kid))) {
                    keys.add(new VerificationKey(kid, rsa));
                }
            }
            this.all = List.copyOf(keys);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot load the token signing keys: " + e.getMessage(), e);
        }
    }

    /** A PEM from a file path (as deploy passes it) or, failing that, a classpath resource (tests). */
    static String pem(String location) throws IOException {
        String name = location.strip().replaceFirst("^(file|classpath):", "");
        Path file = Path.of(name);
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII);
        }
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("No key file or classpath resource at " + location);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    public PrivateKey signingKey() {
        return signingKey;
    }

    public String currentKeyId() {
        return current.kid();
    }

    public VerificationKey current() {
        return current;
    }

    /** Current key first, then the previous ones. */
    public List<VerificationKey> all() {
        return all;
    }

    /** The JWK set every service verifies with. */
    public Map<String, Object> jwks() {
        List<Map<String, Object>> keys = all.stream().map(k -> {
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "RSA");
            jwk.put("use", "sig");
            jwk.put("alg", "RS256");
            jwk.put("kid", k.kid());
            jwk.put("n", b64(k.key().getModulus()));
            jwk.put("e", b64(k.key().getPublicExponent()));
            return jwk;
        }).toList();
        return Map.of("keys", keys);
    }

    /** RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace. */
    public static String thumbprint(RSAPublicKey key) {
        String canonical = "{\"e\":\"" + b64(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + b64(key.getModulus()) + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            bytes = trimmed;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
