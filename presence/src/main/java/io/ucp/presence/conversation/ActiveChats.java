package io.ucp.presence.conversation;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Each user's conversations ordered by last activity, as a Redis sorted set. PostgreSQL stays the source of
 * truth: a missing key is rebuilt from it, and updates only touch keys that exist (a user nobody asked about costs
 * nothing). Scores are the negated activity time in ms, so ascending order is "most recent first" and a cursor is
 * a plain (score, id) lower bound.
 */
@ApplicationScoped
public class ActiveChats {

    /** Marks a built key, so a user with no conversations is a cache hit too. */
    static final String BUILT = "~";
    private static final String TOUCH_IF_BUILT = "for i, key in ipairs(KEYS) do "
            + "if redis.call('exists', key) == 1 then redis.call('zadd', key, ARGV[1], ARGV[2]) end end return 0";
    private static final String REBUILD_SQL = "SELECT c.id, coalesce(c.last_message_at, p.joined_at) AS active_at "
            + "FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id "
            + "WHERE p.account_id = $1";

    public record Entry(UUID conversationId, double score) {
    }

    private final ReactiveSortedSetCommands<String, String> zsets;
    private final ReactiveKeyCommands<String> keys;
    private final ReactiveRedisDataSource redis;
    private final Pool pool;
    private final MessagingConfig config;
    private final String prefix;

    public ActiveChats(ReactiveRedisDataSource redis, Pool pool, MessagingConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.redis = redis;
        this.zsets = redis.sortedSet(String.class, String.class);
        this.keys = redis.key(String.class);
        this.pool = pool;
        this.config = config;
        this.prefix = prefix + "chats:";
    }

    /** One page, most recent first, strictly after the cursor position (score, id) when given. */
    public Uni<List<Entry>> page(UUID account, Double afterScore, UUID afterId, int limit) {
        String key = key(account);
        return keys.exists(key)
                .chain(exists -> exists ? Uni.createFrom().voidItem() : rebuild(account))
                .chain(() -> {
                    double from = afterScore == null ? Double.NEGATIVE_INFINITY : afterScore;
                    // Ties on the score are ordered by member; fetch a margin to step over the cursor's equals.
                    return zsets.zrangebyscoreWithScores(key, new ScoreRange<>(from, Double.POSITIVE_INFINITY),
                            new ZRangeArgs().limit(0, limit + 64));
                })
                .call(() -> keys.expire(key, config.activeChatsTtl()))
                .map(values -> {
                    List<Entry> page = new ArrayList<>();
                    for (ScoredValue<String> value : values) {
                        if (BUILT.equals(value.value())) {
                            continue;
                        }
                        if (afterScore != null && value.score() == afterScore
                                && value.value().compareTo(afterId.toString()) <= 0) {
                            continue;
                        }
                        page.add(new Entry(UUID.fromString(value.value()), value.score()));
                        if (page.size() == limit) {
                            break;
                        }
                    }
                    return page;
                });
    }

    /** Records activity of a conversation for these participants (after the change committed). */
    public Uni<Void> touch(Collection<UUID> accounts, UUID conversationId, OffsetDateTime at) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> args = new ArrayList<>();
        args.add(TOUCH_IF_BUILT);
        args.add(Integer.toString(accounts.size()));
        accounts.forEach(a -> args.add(key(a)));
        args.add(Double.toString(score(at.toInstant())));
        args.add(conversationId.toString());
        return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("Active chats not updated (rebuilt on next read): %s", e.getMessage()))
                .onFailure().call(() -> keys.del(accounts.stream().map(this::key).toArray(String[]::new)))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The user left or was removed. */
    public Uni<Void> remove(UUID account, UUID conversationId) {
        return zsets.zrem(key(account), conversationId.toString()).replaceWithVoid()
                .onFailure().call(() -> keys.del(key(account)))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Drops the cached list (tests use this to prove the rebuild). */
    public Uni<Void> forget(UUID account) {
        return keys.del(key(account)).replaceWithVoid();
    }

    private Uni<Void> rebuild(UUID account) {
        return pool.preparedQuery(REBUILD_SQL).execute(Tuple.of(account)).chain(rows -> {
            Map<String, Double> members = new HashMap<>();
            members.put(BUILT, Double.NEGATIVE_INFINITY);
            for (Row row : rows) {
                members.put(row.getUUID("id").toString(), score(row.getOffsetDateTime("active_at").toInstant()));
            }
            String key = key(account);
            return zsets.zadd(key, members).chain(() -> keys.expire(key, config.activeChatsTtl())).replaceWithVoid();
        });
    }

    static double score(Instant at) {
        return -(double) at.toEpochMilli();
    }

    private String key(UUID account) {
        return prefix + account;
    }
}
