package io.ucp.billing.cdr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.support.Cursor;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** CDR reads: keyset-paginated search, streamed export, per-account usage. */
@ApplicationScoped
public class CdrQueries {

    static final String COLUMNS = "id, call_id, account_id, caller_account_id, callee_account_id, caller_number, "
            + "callee_number, direction, started_at, answered_at, ended_at, duration_seconds, billable_seconds, "
            + "free_seconds, disposition, end_cause, transfer_info::text AS transfer_info, "
            + "queue_info::text AS queue_info, recordings::text AS recordings, cost, currency, plan_code, "
            + "plan_version, rate_prefix, rate_per_minute, rating_version, rated_at";
    private static final int EXPORT_CHUNK = 1000;

    private final Pool pool;
    private final ObjectMapper mapper;

    public CdrQueries(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    /** Newest first. */
    public Uni<CdrResponse.Page> search(CdrFilter filter, Cursor after, int limit) {
        return page(filter, after, limit, true);
    }

    public Uni<CdrResponse> byId(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM cdr_records WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : toResponse(rows.iterator().next()));
    }

    /** Oldest first, fetched in chunks so memory stays flat however many rows match. */
    public Multi<CdrResponse> stream(CdrFilter filter) {
        Cursor[] cursor = { null };
        return Multi.createBy().repeating()
                .uni(() -> cursor, state -> page(filter, state[0], EXPORT_CHUNK, false).invoke(page -> {
                    if (!page.items().isEmpty()) {
                        CdrResponse last = page.items().get(page.items().size() - 1);
                        state[0] = new Cursor(last.startedAt(), last.id().toString());
                    }
                }))
                .whilst(page -> page.nextCursor() != null)
                .onItem().transformToIterable(CdrResponse.Page::items);
    }

    public record Usage(UUID accountId, Instant from, Instant to,
            @org.eclipse.microprofile.openapi.annotations.media.Schema(nullable = true,
                    description = "null when the account has no billing account") String currency,
            long calls, long answeredCalls, long billableSeconds, long freeSeconds,
            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.NUMBER, format = "decimal")
            BigDecimal cost,
            long unratedCalls,
            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    description = "Per direction (internal, inbound, outbound) with any calls")
            Map<String, Bucket> byDirection) {
    }

    public record Bucket(long calls, long billableSeconds,
            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.NUMBER, format = "decimal")
            BigDecimal cost) {
    }

    public Uni<Usage> usage(UUID accountId, Instant from, Instant to) {
        return pool.preparedQuery("SELECT currency FROM account_billing WHERE account_id = $1")
                .execute(Tuple.of(accountId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0))
                .chain(currency -> usage(accountId, from, to, currency));
    }

    private Uni<Usage> usage(UUID accountId, Instant from, Instant to, String currency) {
        return pool.preparedQuery("SELECT direction, count(*) AS calls, "
                + "count(*) FILTER (WHERE disposition = 'answered') AS answered, "
                + "coalesce(sum(billable_seconds), 0) AS billable, coalesce(sum(free_seconds), 0) AS free, "
                + "coalesce(sum(cost), 0) AS cost, count(*) FILTER (WHERE cost IS NULL) AS unrated "
                + "FROM cdr_records WHERE account_id = $1 AND started_at >= $2 AND started_at < $3 GROUP BY direction "
                + "ORDER BY direction")
                .execute(Tuple.of(accountId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    long calls = 0, answered = 0, billable = 0, free = 0, unrated = 0;
                    BigDecimal cost = BigDecimal.ZERO;
                    Map<String, Bucket> byDirection = new LinkedHashMap<>();
                    for (Row r : rows) {
                        calls += r.getLong("calls");
                        answered += r.getLong("answered");
                        billable += r.getLong("billable");
                        free += r.getLong("free");
                        unrated += r.getLong("unrated");
                        cost = cost.add(r.getBigDecimal("cost"));
                        byDirection.put(r.getString("direction"), new Bucket(r.getLong("calls"), r.getLong("billable"),
                                r.getBigDecimal("cost")));
                    }
                    return new Usage(accountId, from, to, currency, calls, answered, billable, free, cost, unrated,
                            byDirection);
                });
    }

    private Uni<CdrResponse.Page> page(CdrFilter f, Cursor after, int limit, boolean newestFirst) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM cdr_records WHERE true");
        Tuple args = Tuple.tuple();
        if (f.accountId() != null) {
            args.addValue(f.accountId());
            sql.append(" AND account_id = $").append(args.size());
        }
        if (f.from() != null) {
            args.addValue(utc(f.from()));
            sql.append(" AND started_at >= $").append(args.size());
        }
        if (f.to() != null) {
            args.addValue(utc(f.to()));
            sql.append(" AND started_at < $").append(args.size());
        }
        if (f.direction() != null) {
            args.addValue(f.direction());
            sql.append(" AND direction = $").append(args.size());
        }
        if (f.disposition() != null) {
            args.addValue(f.disposition());
            sql.append(" AND disposition = $").append(args.size());
        }
        if (f.number() != null) {
            // Validated to digits and '+', so LIKE needs no escaping; a prefix finds a whole range of numbers.
            args.addValue(f.number() + "%");
            sql.append(" AND (caller_number LIKE $").append(args.size()).append(" OR callee_number LIKE $")
                    .append(args.size()).append(')');
        }
        if (after != null) {
            args.addValue(utc(after.at()));
            int at = args.size();
            args.addValue(after.uuid());
            sql.append(" AND (started_at, id) ").append(newestFirst ? "<" : ">").append(" ($").append(at)
                    .append(", $").append(args.size()).append(')');
        }
        String order = newestFirst ? " DESC" : "";
        args.addValue(limit + 1);
        sql.append(" ORDER BY started_at").append(order).append(", id").append(order).append(" LIMIT $")
                .append(args.size());
        return pool.preparedQuery(sql.toString()).execute(args).map(rows -> {
            List<CdrResponse> items = new ArrayList<>(Math.min(rows.size(), limit));
            for (Row row : rows) {
                if (items.size() == limit) {
                    break;
                }
                items.add(toResponse(row));
            }
            String next = null;
            if (rows.size() > limit) {
                CdrResponse last = items.get(limit - 1);
                next = new Cursor(last.startedAt(), last.id().toString()).encode();
            }
            return new CdrResponse.Page(items, next);
        });
    }

    CdrResponse toResponse(Row r) {
        return new CdrResponse(r.getUUID("id"), r.getUUID("call_id"), r.getUUID("account_id"),
                r.getUUID("caller_account_id"), r.getUUID("callee_account_id"), r.getString("caller_number"),
                r.getString("callee_number"), r.getString("direction"), instant(r.getOffsetDateTime("started_at")),
                instant(r.getOffsetDateTime("answered_at")), instant(r.getOffsetDateTime("ended_at")),
                r.getInteger("duration_seconds"), r.getInteger("billable_seconds"), r.getInteger("free_seconds"),
                r.getString("disposition"), r.getString("end_cause"), json(r.getString("transfer_info")),
                json(r.getString("queue_info")), json(r.getString("recordings")),
                money(r.getBigDecimal("cost"), r.getString("currency")),
                r.getString("currency"), r.getString("plan_code"), r.getInteger("plan_version"),
                r.getString("rate_prefix"), r.getBigDecimal("rate_per_minute"), r.getInteger("rating_version"),
                instant(r.getOffsetDateTime("rated_at")));
    }

    /** Stored at 4 decimals; shown at the currency's minor units (rated amounts are already rounded to them). */
    private static BigDecimal money(BigDecimal amount, String currency) {
        return amount == null || currency == null ? amount
                : amount.setScale(io.ucp.billing.rating.RatingEngine.minorUnits(currency),
                        io.ucp.billing.rating.RatingEngine.MONEY_ROUNDING);
    }

    private JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("cdr_records holds invalid JSON", e);
        }
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
