package io.ucp.signaling.platform.security;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Revoked sessions and suspended accounts, kept in Redis only as long as an access token issued before the
 * revocation can still be valid. Identity's database stays the source of truth; this is the fast "no" every
 * request asks.
 */
@ApplicationScoped
public class RevokedSessions {

    private final ReactiveValueCommands<String, String> values;
    private final String prefix;
    private final SecurityConfig config;

    public RevokedSessions(ReactiveRedisDataSource redis, SecurityConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.values = redis.value(String.class);
        this.prefix = prefix + "revoked:";
        this.config = config;
    }

    /** Tokens of this session are refused until they would have expired anyway. */
    public Uni<Void> revokeSession(String sessionId, Instant revokedAt) {
        return remember(sessionKey(sessionId), revokedAt);
    }

    /** Tokens of this account issued at or before {@code at} are refused (suspension, deletion). */
    public Uni<Void> revokeAccountTokens(UUID accountId, Instant at) {
        return remember(accountKey(accountId), at);
    }

    /** A reactivated account's new tokens must pass at once. */
    public Uni<Void> clearAccount(UUID accountId) {
        return values.getdel(accountKey(accountId)).replaceWithVoid();
    }

    /** Whether a token of this session and account, issued at {@code issuedAt}, has been revoked. */
    public Uni<Boolean> isRevoked(String sessionId, UUID accountId, Instant issuedAt) {
        String sessionKey = sessionId == null ? prefix + "session:-" : sessionKey(sessionId);
        return values.mget(sessionKey, accountKey(accountId)).map(found -> {
            if (found.get(sessionKey) != null) {
                return true;
            }
            String accountRevokedAt = found.get(accountKey(accountId));
            return accountRevokedAt != null && !issuedAt.isAfter(Instant.ofEpochSecond(Long.parseLong(accountRevokedAt)));
        });
    }

    private Uni<Void> remember(String key, Instant at) {
        Duration left = Duration.between(Instant.now(), at.plus(config.accessTokenTtl()));
        if (left.isNegative() || left.isZero()) {
            return Uni.createFrom().voidItem();
        }
        return values.set(key, Long.toString(at.getEpochSecond()), new SetArgs().px(left)).replaceWithVoid();
    }

    private String sessionKey(String sessionId) {
        return prefix + "session:" + sessionId;
    }

    private String accountKey(UUID accountId) {
        return prefix + "account:" + accountId;
    }

}
