package io.ucp.billing.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.rating.DestinationRate;
import io.ucp.billing.rating.PlanVersion;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * billing_plans rows, read and written with SQL on a caller-supplied client (pool or transaction). Rates are stored
 * as {@code [{prefix, rate_per_minute, connect_fee?}]} with decimal strings, so no float ever touches a price.
 */
@ApplicationScoped
public class PlanStore {

    static final String COLUMNS = "code, version, name, currency, effective_from, effective_to, "
            + "initial_increment_seconds, subsequent_increment_seconds, connect_fee, minimum_charge, monthly_fee, "
            + "included_free_minutes, internal_rate_per_minute, destination_rates::text AS rates";

    private final ObjectMapper mapper;

    public PlanStore(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Uni<List<PlanVersion>> versions(SqlClient client, String code, boolean lock) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM billing_plans WHERE code = $1 ORDER BY version"
                + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(code)).map(this::toList);
    }

    /** Every version of each code, by code. */
    public Uni<Map<String, List<PlanVersion>>> versionsOf(SqlClient client, Collection<String> codes) {
        if (codes.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery("SELECT " + COLUMNS + " FROM billing_plans WHERE code = ANY($1) ORDER BY code, version")
                .execute(Tuple.of(codes.toArray(String[]::new))).map(rows -> {
                    Map<String, List<PlanVersion>> byCode = new LinkedHashMap<>();
                    for (PlanVersion plan : toList(rows)) {
                        byCode.computeIfAbsent(plan.code(), c -> new ArrayList<>()).add(plan);
                    }
                    return byCode;
                });
    }

    /** The latest version of each plan, by code, after {@code afterCode}. */
    public Uni<List<PlanVersion>> latest(SqlClient client, String afterCode, int limit) {
        return client.preparedQuery("SELECT DISTINCT ON (code) " + COLUMNS + " FROM billing_plans WHERE code > $1 "
                + "ORDER BY code, version DESC LIMIT $2").execute(Tuple.of(afterCode == null ? "" : afterCode, limit))
                .map(this::toList);
    }

    public Uni<PlanVersion> byIdempotencyKey(SqlClient client, String key, String[] hashOut) {
        return client.preparedQuery("SELECT " + COLUMNS + ", request_hash FROM billing_plans WHERE idempotency_key = $1")
                .execute(Tuple.of(key)).map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    hashOut[0] = row.getString("request_hash");
                    return toPlan(row);
                });
    }

    public Uni<Void> insert(SqlClient client, PlanVersion p, String idempotencyKey, String requestHash) {
        Tuple t = Tuple.tuple()
                .addValue(p.code()).addValue(p.version()).addValue(p.name()).addValue(p.currency())
                .addValue(utc(p.effectiveFrom())).addValue(utc(p.effectiveTo()))
                .addValue(p.initialIncrementSeconds()).addValue(p.subsequentIncrementSeconds())
                .addValue(p.connectFee()).addValue(p.minimumCharge()).addValue(p.monthlyFee())
                .addValue(p.includedFreeMinutes()).addValue(p.internalRatePerMinute())
                .addValue(ratesJson(p.destinationRates())).addValue(idempotencyKey).addValue(requestHash);
        return client.preparedQuery("INSERT INTO billing_plans (code, version, name, currency, effective_from, "
                + "effective_to, initial_increment_seconds, subsequent_increment_seconds, connect_fee, minimum_charge, "
                + "monthly_fee, included_free_minutes, internal_rate_per_minute, destination_rates, idempotency_key, "
                + "request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::text::jsonb, $15, $16)")
                .execute(t).replaceWithVoid();
    }

    public Uni<Void> update(SqlClient client, PlanVersion p) {
        Tuple t = Tuple.tuple()
                .addValue(p.code()).addValue(p.version()).addValue(p.name())
                .addValue(utc(p.effectiveFrom())).addValue(utc(p.effectiveTo()))
                .addValue(p.initialIncrementSeconds()).addValue(p.subsequentIncrementSeconds())
                .addValue(p.connectFee()).addValue(p.minimumCharge()).addValue(p.monthlyFee())
                .addValue(p.includedFreeMinutes()).addValue(p.internalRatePerMinute())
                .addValue(ratesJson(p.destinationRates()));
        return client.preparedQuery("UPDATE billing_plans SET name = $3, effective_from = $4, effective_to = $5, "
                + "initial_increment_seconds = $6, subsequent_increment_seconds = $7, connect_fee = $8, "
                + "minimum_charge = $9, monthly_fee = $10, included_free_minutes = $11, internal_rate_per_minute = $12, "
                + "destination_rates = $13::text::jsonb WHERE code = $1 AND version = $2").execute(t).replaceWithVoid();
    }

    public Uni<Void> setEffectiveTo(SqlClient client, String code, int version, Instant effectiveTo) {
        return client.preparedQuery("UPDATE billing_plans SET effective_to = $3 WHERE code = $1 AND version = $2")
                .execute(Tuple.of(code, version, utc(effectiveTo))).replaceWithVoid();
    }

    public Uni<Void> delete(SqlClient client, String code, int version) {
        return client.preparedQuery("DELETE FROM billing_plans WHERE code = $1 AND version = $2")
                .execute(Tuple.of(code, version)).replaceWithVoid();
    }

    public Uni<Boolean> assignedToAnAccount(SqlClient client, String code) {
        return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM account_billing WHERE plan_code = $1)")
                .execute(Tuple.of(code)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    List<PlanVersion> toList(RowSet<Row> rows) {
        List<PlanVersion> plans = new ArrayList<>(rows.size());
        for (Row row : rows) {
            plans.add(toPlan(row));
        }
        return plans;
    }

    PlanVersion toPlan(Row row) {
        OffsetDateTime to = row.getOffsetDateTime("effective_to");
        return new PlanVersion(row.getString("code"), row.getInteger("version"), row.getString("name"),
                row.getString("currency"), row.getOffsetDateTime("effective_from").toInstant(),
                to == null ? null : to.toInstant(), row.getInteger("initial_increment_seconds"),
                row.getInteger("subsequent_increment_seconds"), row.getBigDecimal("connect_fee"),
                row.getBigDecimal("minimum_charge"), row.getBigDecimal("monthly_fee"),
                row.getInteger("included_free_minutes"), row.getBigDecimal("internal_rate_per_minute"),
                parseRates(row.getString("rates")));
    }

    private List<DestinationRate> parseRates(String json) {
        try {
            List<DestinationRate> rates = new ArrayList<>();
            for (JsonNode node : mapper.readTree(json)) {
                String fee = node.path("connect_fee").asText(null);
                rates.add(new DestinationRate(node.path("prefix").asText(),
                        new BigDecimal(node.path("rate_per_minute").asText()), fee == null ? null : new BigDecimal(fee)));
            }
            return rates;
        } catch (IOException e) {
            throw new IllegalStateException("billing_plans.destination_rates is not valid JSON", e);
        }
    }

    private String ratesJson(List<DestinationRate> rates) {
        ArrayNode array = mapper.createArrayNode();
        for (DestinationRate rate : rates) {
            var node = array.addObject().put("prefix", rate.prefix())
                    .put("rate_per_minute", rate.ratePerMinute().toPlainString());
            if (rate.connectFee() != null) {
                node.put("connect_fee", rate.connectFee().toPlainString());
            }
        }
        return array.toString();
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
