package io.ucp.billing.hot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.plan.PlanStore;
import io.ucp.billing.rating.PlanVersion;
import io.ucp.billing.rating.RatingEngine;
import io.ucp.billing.support.BillingConfig;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Hot balances and plans for call authorization: read from Redis, rebuilt from PostgreSQL on a miss, deleted after
 * every committed change (charges, top-ups, settings, plan versions). PostgreSQL stays the source of truth; the TTL
 * bounds how long a reader that raced a change can keep a stale copy.
 */
@ApplicationScoped
public class HotData {

    private static final TypeReference<List<PlanVersion>> PLAN_LIST = new TypeReference<>() {
    };

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keys;
    private final Pool pool;
    private final PlanStore plans;
    private final ObjectMapper mapper;
    private final String prefix;
    private final long ttlSeconds;

    public HotData(ReactiveRedisDataSource redis, Pool pool, PlanStore plans, ObjectMapper mapper,
            BillingConfig config, @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.values = redis.value(String.class);
        this.keys = redis.key();
        this.pool = pool;
        this.plans = plans;
        this.mapper = mapper;
        this.prefix = prefix + "hot:";
        this.ttlSeconds = Math.max(1, config.cacheTtl().toSeconds());
    }

    /** The account's billing state with this month's free-minute use; null when billing has no such account. */
    public Uni<HotAccount> account(UUID accountId) {
        Instant month = RatingEngine.monthStart(Instant.now());
        return values.get(accountKey(accountId)).onFailure().recoverWithNull().chain(json -> {
            HotAccount cached = json == null ? null : read(json, HotAccount.class);
            if (cached != null && cached.month().equals(month)) {
                return Uni.createFrom().item(cached);
            }
            return loadAccount(accountId, month).call(loaded -> loaded == null ? Uni.createFrom().voidItem()
                    : store(accountKey(accountId), loaded));
        });
    }

    /** Every version of a plan (empty when the code is unknown). */
    public Uni<List<PlanVersion>> plan(String code) {
        return values.get(planKey(code)).onFailure().recoverWithNull().chain(json -> {
            if (json != null) {
                List<PlanVersion> cached = read(json, PLAN_LIST);
                if (cached != null) {
                    return Uni.createFrom().item(cached);
                }
            }
            return plans.versions(pool, code, false).call(loaded -> store(planKey(code), loaded));
        });
    }

    /** Call after the change has committed. A Redis failure is logged: the TTL then bounds the staleness. */
    public Uni<Void> invalidateAccounts(Collection<UUID> accountIds) {
        if (accountIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return keys.del(accountIds.stream().map(this::accountKey).toArray(String[]::new)).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Could not drop hot balances from Redis: %s", e.getMessage());
                    return null;
                });
    }

    public Uni<Void> invalidatePlan(String code) {
        return keys.del(planKey(code)).replaceWithVoid().onFailure().recoverWithItem(e -> {
            Log.warnf("Could not drop hot plan %s from Redis: %s", code, e.getMessage());
            return null;
        });
    }

    private Uni<HotAccount> loadAccount(UUID accountId, Instant month) {
        Instant next = RatingEngine.nextMonthStart(month);
        return pool.preparedQuery("SELECT a.plan_code, a.mode, a.currency, a.balance, a.credit_limit, a.balance_state, "
                + "(SELECT coalesce(sum(c.free_seconds), 0) FROM cdr_records c WHERE c.account_id = a.account_id "
                + "AND c.started_at >= $2 AND c.started_at < $3) AS free_used "
                + "FROM account_billing a WHERE a.account_id = $1")
                .execute(Tuple.of(accountId, month.atOffset(ZoneOffset.UTC), next.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new HotAccount(accountId, r.getString("plan_code"), r.getString("mode"),
                            r.getString("currency"), r.getBigDecimal("balance"), r.getBigDecimal("credit_limit"),
                            r.getString("balance_state"), month, r.getLong("free_used"));
                });
    }

    private Uni<Void> store(String key, Object value) {
        try {
            return values.set(key, mapper.writeValueAsString(value), new SetArgs().ex(ttlSeconds))
                    .onFailure().recoverWithItem(e -> {
                        Log.warnf("Could not cache %s in Redis: %s", key, e.getMessage());
                        return null;
                    });
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            return null; // an unreadable entry (older format) is a miss
        }
    }

    private <T> T read(String json, TypeReference<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String accountKey(UUID accountId) {
        return prefix + "account:" + accountId;
    }

    private String planKey(String code) {
        return prefix + "plan:" + code;
    }
}
