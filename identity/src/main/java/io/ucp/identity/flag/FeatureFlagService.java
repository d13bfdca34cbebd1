package io.ucp.identity.flag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.account.IdentityEvents;
import io.ucp.identity.common.Cursor;
import io.ucp.identity.common.Page;
import io.ucp.identity.platform.outbox.OutboxWriter;
import io.ucp.identity.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Typed feature flags: a global default per key and per-account overrides (one table, see V2). The effective set
 * of an account is cached in Redis under a generation number that every change increments, so a change is seen
 * at once without deleting per-account keys; PostgreSQL stays the only source of truth.
 */
@ApplicationScoped
public class FeatureFlagService {

    public static final Set<String> TYPES = Set.of("bool", "number", "string", "json");
    private static final Pattern KEY = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,127}$");
    private static final int MAX_VALUE_CHARS = 16_384;
    private static final Duration CACHE_TTL = Duration.ofMinutes(5);
    private static final TypeReference<Map<String, FeatureFlag.Effective>> EFFECTIVE = new TypeReference<>() {
    };

    private final Pool pool;
    private final OutboxWriter outbox;
    private final IdentityEvents events;
    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final String prefix;

    public FeatureFlagService(Pool pool, OutboxWriter outbox, IdentityEvents events, ReactiveRedisDataSource redis,
            ObjectMapper mapper, @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.pool = pool;
        this.outbox = outbox;
        this.events = events;
        this.redis = redis;
        this.mapper = mapper;
        this.prefix = prefix + "flags:";
    }

    public Uni<FeatureFlag> create(String key, String type, JsonNode value, String description) {
        checkKey(key);
        if (!TYPES.contains(type)) {
            throw ProblemException.badRequest("type", "must be one of bool, number, string, json");
        }
        checkValue(type, value);
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO feature_flags (key, type, value, description) "
                        + "VALUES ($1, $2, $3::text::jsonb, $4) ON CONFLICT DO NOTHING RETURNING id")
                .execute(Tuple.of(key, type, json(value), description))
                .chain(rows -> rows.size() == 0
                        ? Uni.createFrom().failure(ProblemException.conflict("A flag with this key exists"))
                        : changed(tx, key, null, type, value)))
                .call(this::bumpGeneration)
                .chain(() -> get(key));
    }

    public Uni<FeatureFlag> get(String key) {
        return pool.preparedQuery("SELECT key, type, value::text AS value, description, account_id, updated_at "
                        + "FROM feature_flags WHERE key = $1 ORDER BY account_id NULLS FIRST").execute(Tuple.of(key))
                .map(rows -> {
                    FeatureFlag flag = null;
                    List<FeatureFlag.Override> overrides = new ArrayList<>();
                    for (Row row : rows) {
                        if (row.getUUID("account_id") == null) {
                            flag = new FeatureFlag(key, row.getString("type"), tree(row.getString("value")),
                                    row.getString("description"), row.getOffsetDateTime("updated_at"), overrides);
                        } else {
                            overrides.add(new FeatureFlag.Override(row.getUUID("account_id"),
                                    tree(row.getString("value")), row.getOffsetDateTime("updated_at")));
                        }
                    }
                    return flag;
                })
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Feature flag"));
    }

    /** Global flags by key, without their overrides (GET one flag for those). */
    public Uni<Page<FeatureFlag>> list(String cursor, Integer limit) {
        int size = Cursor.limit(limit);
        String after = cursor == null ? "" : Cursor.decode(cursor, 1).get(0);
        return pool.preparedQuery("SELECT key, type, value::text AS value, description, updated_at FROM feature_flags "
                        + "WHERE account_id IS NULL AND key > $1 ORDER BY key LIMIT $2")
                .execute(Tuple.of(after, size + 1)).map(rows -> {
                    List<FeatureFlag> flags = new ArrayList<>();
                    for (Row row : rows) {
                        flags.add(new FeatureFlag(row.getString("key"), row.getString("type"),
                                tree(row.getString("value")), row.getString("description"),
                                row.getOffsetDateTime("updated_at"), List.of()));
                    }
                    String next = null;
                    if (flags.size() > size) {
                        flags = flags.subList(0, size);
                        next = Cursor.encode(flags.get(size - 1).key());
                    }
                    return new Page<>(List.copyOf(flags), next);
                });
    }

    public Uni<FeatureFlag> updateDefault(String key, JsonNode value, String description) {
        return typeOf(key).chain(type -> {
            checkValue(type, value);
            return pool.withTransaction(tx -> tx.preparedQuery("UPDATE feature_flags SET value = $2::text::jsonb, "
                            + "description = coalesce($3, description) WHERE key = $1 AND account_id IS NULL")
                    .execute(Tuple.of(key, json(value), description))
                    .chain(() -> changed(tx, key, null, type, value)));
        }).call(this::bumpGeneration).chain(() -> get(key));
    }

    public Uni<Void> delete(String key) {
        return typeOf(key).chain(type -> pool.withTransaction(tx -> tx
                        .preparedQuery("DELETE FROM feature_flags WHERE key = $1 AND account_id IS NULL")
                        .execute(Tuple.of(key))
                        .chain(() -> changed(tx, key, null, type, null))))
                .call(this::bumpGeneration);
    }

    public Uni<FeatureFlag> setOverride(String key, UUID accountId, JsonNode value) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, type FROM feature_flags WHERE key = $1 "
                        + "AND account_id IS NULL").execute(Tuple.of(key))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ProblemException.notFound("Feature flag"));
                    }
                    Row flag = rows.iterator().next();
                    String type = flag.getString("type");
                    checkValue(type, value);
                    return tx.preparedQuery("SELECT 1 FROM accounts WHERE id = $1 AND status <> 'deleted'")
                            .execute(Tuple.of(accountId))
                            .chain(found -> found.size() == 0
                                    ? Uni.createFrom().failure(ProblemException.notFound("Account"))
                                    : tx.preparedQuery("INSERT INTO feature_flags (key, type, value, account_id, "
                                            + "default_flag_id) VALUES ($1, $2, $3::text::jsonb, $4, $5) "
                                            + "ON CONFLICT (account_id, key) WHERE account_id IS NOT NULL "
                                            + "DO UPDATE SET value = excluded.value")
                                            .execute(Tuple.of(key, type, json(value), accountId, flag.getUUID("id")))
                                            .chain(() -> changed(tx, key, accountId, type, value)));
                }))
                .call(this::bumpGeneration).chain(() -> get(key));
    }

    public Uni<Void> removeOverride(String key, UUID accountId) {
        return typeOf(key).chain(type -> pool.withTransaction(tx -> tx
                        .preparedQuery("DELETE FROM feature_flags WHERE key = $1 AND account_id = $2")
                        .execute(Tuple.of(key, accountId))
                        .chain(rows -> rows.rowCount() == 0
                                ? Uni.createFrom().failure(ProblemException.notFound("Override"))
                                : changed(tx, key, accountId, type, null))))
                .call(this::bumpGeneration);
    }

    /** The caller's effective flags: each default, replaced by the account's override where one exists. */
    public Uni<Map<String, FeatureFlag.Effective>> effective(UUID accountId) {
        return redis.value(String.class).get(prefix + "generation").chain(generation -> {
            String cacheKey = prefix + "effective:" + (generation == null ? "0" : generation) + ":" + accountId;
            return redis.value(String.class).get(cacheKey).chain(cached -> cached != null
                    ? Uni.createFrom().item(read(cached))
                    : load(accountId).call(flags -> redis.value(String.class)
                            .set(cacheKey, json(mapper.valueToTree(flags)), new SetArgs().px(CACHE_TTL))));
        });
    }

    private Uni<Map<String, FeatureFlag.Effective>> load(UUID accountId) {
        return pool.preparedQuery("SELECT key, type, value::text AS value, account_id FROM feature_flags "
                        + "WHERE account_id IS NULL OR account_id = $1").execute(Tuple.of(accountId))
                .map(rows -> {
                    Map<String, FeatureFlag.Effective> result = new TreeMap<>();
                    for (Row row : rows) {
                        boolean override = row.getUUID("account_id") != null;
                        if (override || !result.containsKey(row.getString("key"))) {
                            result.put(row.getString("key"), new FeatureFlag.Effective(row.getString("type"),
                                    tree(row.getString("value")), override ? "override" : "default"));
                        }
                    }
                    return result;
                });
    }

    private Uni<Void> changed(SqlClient tx, String key, UUID accountId, String type, JsonNode value) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("key", key);
        data.put("accountId", accountId);
        data.put("type", type);
        data.put("value", value);
        return outbox.append(tx, accountId == null ? events.keyed(key, "feature-flag.changed", data)
                : events.of(accountId, "feature-flag.changed", data));
    }

    private Uni<String> typeOf(String key) {
        return pool.preparedQuery("SELECT type FROM feature_flags WHERE key = $1 AND account_id IS NULL")
                .execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("type"))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Feature flag"));
    }

    private Uni<Void> bumpGeneration(Object ignored) {
        return redis.value(String.class).incr(prefix + "generation").replaceWithVoid();
    }

    private static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw ProblemException.badRequest("key", "must be 1-128 characters of a-z, 0-9, '.', '_' or '-'");
        }
    }

    private void checkValue(String type, JsonNode value) {
        boolean ok = value != null && !value.isNull() && switch (type) {
            case "bool" -> value.isBoolean();
            case "number" -> value.isNumber();
            case "string" -> value.isTextual();
            default -> true;
        };
        if (!ok) {
            throw ProblemException.badRequest("value", "must be a " + type + " value");
        }
        if (json(value).length() > MAX_VALUE_CHARS) {
            throw ProblemException.badRequest("value", "must be at most " + MAX_VALUE_CHARS + " characters of JSON");
        }
    }

    private String json(JsonNode value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, FeatureFlag.Effective> read(String json) {
        try {
            return new HashMap<>(mapper.readValue(json, EFFECTIVE));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
