package io.ucp.identity.token;

import io.smallrye.jwt.build.Jwt;
import io.ucp.identity.config.IdentityConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Signs identity's RS256 access tokens: sub = account id, groups = roles, sid = session id, ≤ 15 min. */
@ApplicationScoped
public class TokenIssuer {

    private static final Duration MAX_TTL = Duration.ofMinutes(15);

    private final SigningKeys keys;
    private final IdentityConfig.Jwt config;

    public TokenIssuer(SigningKeys keys, IdentityConfig config) {
        this.keys = keys;
        this.config = config.jwt();
        if (this.config.accessTokenTtl().compareTo(MAX_TTL) > 0 || this.config.accessTokenTtl().isNegative()) {
            throw new IllegalStateException("ucp.identity.jwt.access-token-ttl must be at most 15 minutes");
        }
    }

    public record AccessToken(String token, Instant expiresAt) {
    }

    public AccessToken issue(UUID accountId, Set<String> roles, String sessionId) {
        Instant now = Instant.now();
        Instant expiresAt = now.plus(config.accessTokenTtl());
        String token = Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(accountId.toString())
                .groups(roles)
                .claim("sid", sessionId)
                .issuedAt(now)
                .expiresAt(expiresAt)
                .jws().keyId(keys.currentKeyId()).algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
                .sign(keys.signingKey());
        return new AccessToken(token, expiresAt);
    }

    public long ttlSeconds() {
        return config.accessTokenTtl().toSeconds();
    }
}
