package io.ucp.identity.auth;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.config.IdentityConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sessions and their refresh-token family in Redis, each expiring after the refresh lifetime (extended on use).
 * A refresh token is {@code <sessionId>.<secret>}; only the SHA-256 of the secret is stored. A session keeps the
 * hash of its current refresh token and the set of hashes already used: presenting a used one is reuse, and ends
 * the session. Trade-off, stated in the README: these live only in Redis, so losing Redis logs everyone out
 * (access tokens keep working until they expire, then users sign in again); nothing a user saved is lost.
 */
@ApplicationScoped
public class SessionStore {

    /** Compare-and-rotate in one step, so two concurrent refreshes with the same token can't both win. */
    private static final String ROTATE = """
            local current = redis.call('HGET', KEYS[1], 'current')
            if not current then return 0 end
            if current == ARGV[1] then
              redis.call('HSET', KEYS[1], 'current', ARGV[2], 'lastUsedAt', ARGV[3])
              redis.call('SADD', KEYS[2], ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[4])
              redis.call('PEXPIRE', KEYS[2], ARGV[4])
              redis.call('PEXPIRE', KEYS[3], ARGV[4])
              return 1
            end
            if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 2 end
            return 0
            """;

    public enum Rotation { ROTATED, REUSED, UNKNOWN }

    public record Session(String id, UUID accountId, String userAgent, String ipAddress, Instant createdAt,
            Instant lastUsedAt) {
    }

    public record Issued(Session session, String refreshToken) {
    }

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final IdentityConfig config;
    private final SecureRandom random = new SecureRandom();

    public SessionStore(ReactiveRedisDataSource redis, IdentityConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.redis = redis;
        this.config = config;
        this.prefix = prefix;
    }

    public Uni<Issued> create(UUID accountId, String userAgent, String ipAddress) {
        String sessionId = UUID.randomUUID().toString();
        String secret = secret();
        Instant now = Instant.now();
        long ttl = config.refreshTokenTtl().toMillis();
        Map<String, String> fields = Map.of(
                "accountId", accountId.toString(),
                "current", sha256(secret),
                "userAgent", userAgent == null ? "" : truncate(userAgent, 300),
                "ipAddress", ipAddress == null ? "" : ipAddress,
                "createdAt", now.toString(),
                "lastUsedAt", now.toString());
        String accountKey = accountKey(accountId);
        return redis.hash(String.class).hset(sessionKey(sessionId), fields)
                .chain(() -> redis.key().pexpire(sessionKey(sessionId), ttl))
                .chain(() -> redis.set(String.class).sadd(accountKey, sessionId))
                .chain(() -> redis.key().pexpire(accountKey, ttl))
                .map(x -> new Issued(new Session(sessionId, accountId, userAgent, ipAddress, now, now),
                        sessionId + "." + secret));
    }

    /** The session a refresh token names, or null; the token is not yet checked. */
    public Uni<Session> find(String sessionId) {
        return redis.hash(String.class).hgetall(sessionKey(sessionId))
                .map(fields -> fields == null || fields.isEmpty() ? null : session(sessionId, fields));
    }

    /** Rotates {@code refreshToken}; returns the new token on success. */
    public Uni<RotationResult> rotate(UUID accountId, String sessionId, String presentedSecret) {
        String next = secret();
        // The account's session index lives as long as its longest-lived session.
        return redis.execute("EVAL", ROTATE, "3", sessionKey(sessionId), usedKey(sessionId), accountKey(accountId),
                        sha256(presentedSecret), sha256(next), Instant.now().toString(),
                        Long.toString(config.refreshTokenTtl().toMillis()))
                .map(response -> switch (response.toInteger()) {
                    case 1 -> new RotationResult(Rotation.ROTATED, sessionId + "." + next);
                    case 2 -> new RotationResult(Rotation.REUSED, null);
                    default -> new RotationResult(Rotation.UNKNOWN, null);
                });
    }

    public record RotationResult(Rotation outcome, String refreshToken) {
    }

    /** The account's live sessions (expired ids are pruned from its index on the way). */
    public Uni<List<Session>> list(UUID accountId) {
        String accountKey = accountKey(accountId);
        return redis.set(String.class).smembers(accountKey).chain(ids -> {
            if (ids.isEmpty()) {
                return Uni.createFrom().item(List.<Session>of());
            }
            List<Uni<Session>> reads = ids.stream().map(this::find).toList();
            return Uni.join().all(reads).andFailFast().chain(found -> {
                List<Session> live = new ArrayList<>();
                List<String> gone = new ArrayList<>();
                List<String> idList = List.copyOf(ids);
                for (int i = 0; i < found.size(); i++) {
                    Session s = found.get(i);
                    if (s == null || !s.accountId().equals(accountId)) {
                        gone.add(idList.get(i));
                    } else {
                        live.add(s);
                    }
                }
                live.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
                Uni<?> prune = gone.isEmpty() ? Uni.createFrom().voidItem()
                        : redis.set(String.class).srem(accountKey, gone.toArray(String[]::new));
                return prune.replaceWith(live);
            });
        });
    }

    /** Deletes the session and its refresh-token family; true when it existed. */
    public Uni<Boolean> delete(UUID accountId, String sessionId) {
        return redis.key().del(sessionKey(sessionId), usedKey(sessionId))
                .call(() -> redis.set(String.class).srem(accountKey(accountId), sessionId))
                .map(deleted -> deleted > 0);
    }

    private Session session(String id, Map<String, String> f) {
        return new Session(id, UUID.fromString(f.get("accountId")), blankToNull(f.get("userAgent")),
                blankToNull(f.get("ipAddress")), Instant.parse(f.get("createdAt")), Instant.parse(f.get("lastUsedAt")));
    }

    private String sessionKey(String sessionId) {
        return prefix + "session:" + sessionId;
    }

    private String usedKey(String sessionId) {
        return prefix + "session:" + sessionId + ":used";
    }

    private String accountKey(UUID accountId) {
        return prefix + "account-sessions:" + accountId;
    }

    private String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
