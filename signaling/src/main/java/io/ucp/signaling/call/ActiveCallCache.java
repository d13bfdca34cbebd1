package io.ucp.signaling.call;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Each user's active calls as snapshots in Redis (hash {@code active:<account>}: call id → snapshot JSON), for
 * fast "my calls" and "this call" reads. PostgreSQL stays the truth: a missing hash is rebuilt from it on the next
 * read; updates after a commit only touch a hash that exists (marker field {@code _}) and only replace an older
 * version, so out-of-order updates and a flushed Redis are both harmless. Every update also bumps the account's
 * generation ({@code active:gen:<account>}); a rebuild is written only if no update came between reading the
 * generation and writing the hash, so a rebuild from a snapshot read just before an answer committed cannot put
 * the stale "ringing" back over it (issue #10, finding 6) — it is then simply not cached, and the next read
 * rebuilds again.
 */
@ApplicationScoped
public class ActiveCallCache {

    private static final String MARKER = "_";
    /**
     * KEYS[1] hash, KEYS[2] generation; ARGV[1] call id, ARGV[2] version, ARGV[3] snapshot, ARGV[4] "1" to delete
     * (call over), ARGV[5] TTL seconds.
     */
    private static final String UPSERT = """
            redis.call('INCR', KEYS[2])
            redis.call('EXPIRE', KEYS[2], ARGV[5])
            if redis.call('HEXISTS', KEYS[1], '_') == 0 then return 0 end
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if current then
              local v = tonumber(string.match(current, '"version":(%d+)'))
              if v and v > tonumber(ARGV[2]) then return 0 end
            end
            if ARGV[4] == '1' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
            return 1
            """;
    /** KEYS[1] hash, KEYS[2] generation; ARGV[1] the generation read before the snapshot, ARGV[2] TTL, fields. */
    private static final String REBUILD = """
            if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('EXPIRE', KEYS[1], ARGV[2])
            return 1
            """;
    private static final Duration TTL = Duration.ofHours(12);

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final String prefix;

    public ActiveCallCache(ReactiveRedisDataSource redis, ObjectMapper mapper,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.redis = redis;
        this.mapper = mapper;
        this.prefix = prefix + "active:";
    }

    /** The account's active calls, or null when the hash is missing (then the caller rebuilds it). */
    public Uni<List<CallView>> activeOf(UUID account) {
        return redis.hash(String.class).hgetall(key(account)).map(all -> {
            if (all.isEmpty()) {
                return null;
            }
            List<CallView> calls = new ArrayList<>();
            all.forEach((field, json) -> {
                if (!MARKER.equals(field)) {
                    calls.add(read(json));
                }
            });
            calls.sort(Comparator.comparing(CallView::createdAt).thenComparing(CallView::callId));
            return calls;
        });
    }

    /** The account's update generation, read before the snapshot a rebuild is made from. */
    public Uni<String> generation(UUID account) {
        return redis.value(String.class).get(genKey(account)).map(g -> g == null ? "0" : g);
    }

    /**
     * Replaces the account's hash with what PostgreSQL says (after a miss), unless an update came after
     * {@code generation} was read: then the snapshot may be older than that update and is not cached.
     */
    public Uni<Void> rebuild(UUID account, List<CallView> active, String generation) {
        List<String> args = new ArrayList<>(List.of(REBUILD, "2", key(account), genKey(account), generation,
                Long.toString(TTL.toSeconds()), MARKER, "1"));
        active.forEach(v -> {
            args.add(v.callId().toString());
            args.add(write(v));
        });
        return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid();
    }

    /** After a commit: every party's hash gets the new snapshot, or loses the call when it (or their part) ended. */
    public Uni<Void> changed(CallView view) {
        List<Uni<Void>> updates = new ArrayList<>();
        Set<UUID> parties = new LinkedHashSet<>();
        if (view.callerAccountId() != null) {
            parties.add(view.callerAccountId());
        }
        if (view.calleeAccountId() != null) {
            parties.add(view.calleeAccountId());
        }
        view.legs().forEach(l -> {
            if (l.accountId() != null) {
                parties.add(l.accountId());
            }
        });
        String json = write(view);
        for (UUID party : parties) {
            boolean over = CallStates.ENDED.equals(view.state()) || view.legs().stream()
                    .filter(l -> party.equals(l.accountId())).allMatch(l -> CallStates.ENDED.equals(l.state()))
                    && !party.equals(view.callerAccountId()) && !party.equals(view.calleeAccountId());
            updates.add(redis.execute("EVAL", UPSERT, "2", key(party), genKey(party), view.callId().toString(),
                    Long.toString(view.version()), json, over ? "1" : "0", Long.toString(TTL.toSeconds()))
                    .replaceWithVoid()
                    .onFailure().recoverWithItem(e -> {
                        // A lost update is repaired by the next change or by a rebuild; never fail the request.
                        Log.debugf("Active-call cache update failed: %s", e.getMessage());
                        return null;
                    }));
        }
        return updates.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(updates).andFailFast().replaceWithVoid();
    }

    private String key(UUID account) {
        return prefix + account;
    }

    private String genKey(UUID account) {
        return prefix + "gen:" + account;
    }

    private String write(CallView view) {
        try {
            return mapper.writeValueAsString(view);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private CallView read(String json) {
        try {
            return mapper.readValue(json, CallView.class);
        } catch (Exception e) {
            throw new IllegalStateException("Unreadable cached call", e);
        }
    }
}
