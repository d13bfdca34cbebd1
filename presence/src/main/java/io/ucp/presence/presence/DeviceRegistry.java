package io.ucp.presence.presence;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-device liveness in Redis. Each user has a sorted set of device id -> "live until" (ms): a connection or
 * heartbeat pushes it to now + TTL + grace, a clean disconnect pulls it to now + grace. A device therefore counts
 * as live through the grace period, which is the flap damping: a reconnect inside it changes nothing anyone sees.
 * A global sorted set holds, per user, when their last device will fall off; the sweeper re-evaluates users when
 * that time comes (claimed with ZREM, so with several instances one of them does it).
 */
@ApplicationScoped
public class DeviceRegistry {

    /** Devices, live, idle: KEYS = devices, idle, checks; ARGV = device, liveUntil, account, idle flag, key ttl s. */
    private static final String TOUCH = """
            redis.call('zadd', KEYS[1], ARGV[2], ARGV[1])
            if ARGV[4] == '1' then redis.call('sadd', KEYS[2], ARGV[1])
            elseif ARGV[4] == '0' then redis.call('srem', KEYS[2], ARGV[1]) end
            local top = redis.call('zrange', KEYS[1], -1, -1, 'WITHSCORES')
            redis.call('zadd', KEYS[3], top[2], ARGV[3])
            redis.call('expire', KEYS[1], ARGV[5])
            redis.call('expire', KEYS[2], ARGV[5])
            return 1
            """;
    /** Drops expired devices and returns [live device ids..., '|', idle device ids...]. */
    private static final String READ = """
            redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
            local live = redis.call('zrange', KEYS[1], 0, -1)
            local out = {}
            for _, d in ipairs(live) do table.insert(out, d) end
            table.insert(out, '|')
            for _, d in ipairs(redis.call('smembers', KEYS[2])) do table.insert(out, d) end
            return out
            """;
    /** Claims up to ARGV[2] users whose check is due (ARGV[1] = now ms). */
    private static final String CLAIM_DUE = """
            local due = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
            for _, a in ipairs(due) do redis.call('zrem', KEYS[1], a) end
            return due
            """;

    public record Devices(int live, boolean anyActive) {
    }

    private final ReactiveRedisDataSource redis;
    private final PresenceConfig config;
    private final String prefix;

    public DeviceRegistry(ReactiveRedisDataSource redis, PresenceConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.redis = redis;
        this.config = config;
        this.prefix = prefix;
    }

    /** A feed connection opened or a heartbeat came: live for TTL (+ grace). {@code idle} null leaves it as is. */
    public Uni<Void> alive(UUID account, String device, Boolean idle) {
        long until = System.currentTimeMillis() + config.deviceTtl().toMillis() + config.offlineGrace().toMillis();
        return touch(account, device, until, idle == null ? "-" : idle ? "1" : "0");
    }

    /** The device left cleanly: it stays live for the grace period only. */
    public Uni<Void> gone(UUID account, String device) {
        return touch(account, device, System.currentTimeMillis() + config.offlineGrace().toMillis(), "0");
    }

    public Uni<Devices> devices(UUID account) {
        return redis.execute("EVAL", READ, "2", devicesKey(account), idleKey(account),
                Long.toString(System.currentTimeMillis())).map(response -> {
                    List<String> live = new ArrayList<>();
                    Set<String> idle = new HashSet<>();
                    boolean idlePart = false;
                    for (Response item : response) {
                        String value = item.toString();
                        if ("|".equals(value)) {
                            idlePart = true;
                        } else if (idlePart) {
                            idle.add(value);
                        } else {
                            live.add(value);
                        }
                    }
                    return new Devices(live.size(), live.stream().anyMatch(d -> !idle.contains(d)));
                });
    }

    /** Users whose last device may have fallen off by now; each returned once across all instances. */
    public Uni<List<UUID>> claimDue(int max) {
        return redis.execute("EVAL", CLAIM_DUE, "1", checksKey(), Long.toString(System.currentTimeMillis()),
                Integer.toString(max)).map(response -> {
                    List<UUID> due = new ArrayList<>();
                    for (Response item : response) {
                        due.add(UUID.fromString(item.toString()));
                    }
                    return due;
                });
    }

    private Uni<Void> touch(UUID account, String device, long until, String idle) {
        long keyTtl = (config.deviceTtl().toMillis() + config.offlineGrace().toMillis()) / 1000 + 60;
        return redis.execute("EVAL", TOUCH, "3", devicesKey(account), idleKey(account), checksKey(), device,
                Long.toString(until), account.toString(), idle, Long.toString(keyTtl)).replaceWithVoid();
    }

    private String devicesKey(UUID account) {
        return prefix + "devices:" + account;
    }

    private String idleKey(UUID account) {
        return prefix + "idle:" + account;
    }

    private String checksKey() {
        return prefix + "presence-checks";
    }
}
