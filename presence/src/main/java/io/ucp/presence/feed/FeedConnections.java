package io.ucp.presence.feed;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The per-account cap on open feed connections, across all instances: a sorted set per account
 * ({@code feed-connections:<account>}: slot id → "held until" ms). A connection takes a slot at the upgrade, gives it
 * back when it closes, and its instance's housekeeping renews it; a crashed instance's slots lapse after
 * {@link #LEASE_MS}, so they never lock an account out for good.
 */
@ApplicationScoped
public class FeedConnections {

    static final long LEASE_MS = 60_000;

    /** KEYS: set. ARGV: slot, now ms, lease until ms, cap. 1 = taken, 0 = the account is at its cap. */
    private static final String ACQUIRE = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], 120000)
            return 1
            """;
    /** KEYS: set. ARGV: slot, lease until ms. Renews only a slot still held. */
    private static final String RENEW = """
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
              redis.call('PEXPIRE', KEYS[1], 120000)
            end
            return 1
            """;

    private final ReactiveRedisDataSource redis;
    private final FeedConfig config;
    private final String prefix;

    public FeedConnections(ReactiveRedisDataSource redis, FeedConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.redis = redis;
        this.config = config;
        this.prefix = prefix + "feed-connections:";
    }

    /** True when the account had a free slot, now held by {@code slot}. */
    Uni<Boolean> acquire(UUID account, String slot) {
        long now = System.currentTimeMillis();
        return redis.execute("EVAL", ACQUIRE, "1", prefix + account, slot, Long.toString(now),
                Long.toString(now + LEASE_MS), Integer.toString(config.maxConnectionsPerAccount()))
                .map(r -> r.toInteger() == 1);
    }

    Uni<Void> renew(UUID account, String slot) {
        return redis.execute("EVAL", RENEW, "1", prefix + account, slot,
                Long.toString(System.currentTimeMillis() + LEASE_MS)).replaceWithVoid();
    }

    Uni<Void> release(UUID account, String slot) {
        return redis.sortedSet(String.class).zrem(prefix + account, slot).replaceWithVoid();
    }
}
