package io.ucp.presence.presence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.presence.PresenceApi.PresenceView;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The published presence of each user, hot in Redis for snapshots (a feed connect reads hundreds at once).
 * Writes never go backwards (a version check in Lua), and a missing entry is rebuilt from presence_status, so
 * losing Redis costs only a slower first read.
 */
@ApplicationScoped
public class HotPresence {

    private static final String PUT_IF_NEWER = """
            local current = redis.call('get', KEYS[1])
            if current then
              local ok, decoded = pcall(cjson.decode, current)
              if ok and tonumber(decoded['version']) >= tonumber(ARGV[2]) then return 0 end
            end
            redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[3])
            return 1
            """;
    private static final long TTL_SECONDS = 86_400;

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final Pool pool;
    private final ObjectMapper mapper;
    private final String prefix;

    public HotPresence(ReactiveRedisDataSource redis, Pool pool, ObjectMapper mapper,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.redis = redis;
        this.values = redis.value(String.class, String.class);
        this.pool = pool;
        this.mapper = mapper;
        this.prefix = prefix + "presence:";
    }

    public Uni<Void> put(PresenceView view) {
        return redis.execute("EVAL", PUT_IF_NEWER, "1", key(view.accountId()), json(view),
                Long.toString(view.version()), Long.toString(TTL_SECONDS)).replaceWithVoid();
    }

    /** Views in the order asked; users never seen are offline at version 0. */
    public Uni<List<PresenceView>> get(List<UUID> accounts) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return values.mget(accounts.stream().map(this::key).toArray(String[]::new)).chain(found -> {
            Map<UUID, PresenceView> views = new HashMap<>();
            List<UUID> missing = new ArrayList<>();
            for (UUID account : accounts) {
                String json = found.get(key(account));
                if (json == null) {
                    missing.add(account);
                } else {
                    views.put(account, parse(json));
                }
            }
            return rebuild(missing).map(rebuilt -> {
                views.putAll(rebuilt);
                return accounts.stream().map(views::get).toList();
            });
        });
    }

    /** Drops a user's hot copy (tests use it to prove the rebuild). */
    public Uni<Void> forget(UUID account) {
        return redis.key(String.class).del(key(account)).replaceWithVoid();
    }

    private Uni<Map<UUID, PresenceView>> rebuild(List<UUID> missing) {
        if (missing.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT account_id, chosen_state, published_state, status_text, status_expires_at, "
                + "version, last_seen_at FROM presence_status WHERE account_id = ANY($1)")
                .execute(Tuple.of(missing.toArray(UUID[]::new))).chain(rows -> {
                    Map<UUID, PresenceView> views = new HashMap<>();
                    rows.forEach(r -> views.put(r.getUUID("account_id"), new PresenceView(r.getUUID("account_id"),
                            r.getString("published_state"),
                            "appear-offline".equals(r.getString("chosen_state")) ? null : PresenceService.visibleText(r),
                            r.getLong("version"), r.getOffsetDateTime("last_seen_at"))));
                    for (UUID account : missing) {
                        views.putIfAbsent(account, new PresenceView(account, "offline", null, 0, null));
                    }
                    Uni<Void> puts = Uni.createFrom().voidItem();
                    for (PresenceView view : views.values()) {
                        puts = puts.chain(() -> put(view));
                    }
                    return puts.replaceWith(views);
                });
    }

    private String key(UUID account) {
        return prefix + account;
    }

    private String json(PresenceView view) {
        try {
            return mapper.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private PresenceView parse(String json) {
        try {
            return mapper.readValue(json, PresenceView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
