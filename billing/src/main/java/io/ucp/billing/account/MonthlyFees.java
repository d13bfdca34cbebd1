package io.ucp.billing.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.hot.HotData;
import io.ucp.billing.platform.outbox.OutgoingEvent;
import io.ucp.billing.support.OutboxBatch;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Charges each account its plan's monthly fee once per UTC calendar month, as a {@code monthly-fee} ledger entry
 * marked with the period. The marker is checked under the row lock in the same statement set that appends it, so
 * overlapping runs or instances charge a month once. The plan version in force when the run happens applies.
 */
@ApplicationScoped
public class MonthlyFees {

    private static final int CHUNK = 1000;

    private final Pool pool;
    private final OutboxBatch outbox;
    private final BillingEvents events;
    private final HotData hot;
    private final ObjectMapper mapper;

    public MonthlyFees(Pool pool, OutboxBatch outbox, BillingEvents events, HotData hot, ObjectMapper mapper) {
        this.pool = pool;
        this.outbox = outbox;
        this.events = events;
        this.hot = hot;
        this.mapper = mapper;
    }

    @Scheduled(every = "${ucp.monthly-fees.every}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return chargeDue(Instant.now()).invoke(n -> {
            if (n > 0) {
                Log.infof("Charged %d monthly fees", n);
            }
        }).replaceWithVoid();
    }

    /** Charges every account not yet charged for the month holding {@code now}; emits how many were charged. */
    public Uni<Integer> chargeDue(Instant now) {
        return chunk(now).chain(charged -> charged < CHUNK ? Uni.createFrom().item(charged)
                : chargeDue(now).map(more -> more + charged));
    }

    private Uni<Integer> chunk(Instant now) {
        String period = YearMonth.from(now.atOffset(ZoneOffset.UTC)).toString();
        String marker = "[{\"type\":\"monthly-fee\",\"period\":\"" + period + "\"}]";
        List<UUID> touched = new ArrayList<>();
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT " + prefixed() + ", p.monthly_fee, p.code AS p_code, "
                + "p.version AS p_version FROM account_billing a JOIN billing_plans p ON p.code = a.plan_code "
                + "AND p.effective_from <= $1 AND (p.effective_to IS NULL OR p.effective_to > $1) "
                + "WHERE p.monthly_fee > 0 AND p.currency = a.currency AND NOT a.ledger @> $2::text::jsonb "
                + "ORDER BY a.account_id LIMIT $3 FOR UPDATE OF a")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), marker, CHUNK)).chain(rows -> {
                    int n = rows.size();
                    if (n == 0) {
                        return Uni.createFrom().item(0);
                    }
                    UUID[] ids = new UUID[n];
                    String[] balances = new String[n], states = new String[n], entries = new String[n];
                    List<OutgoingEvent> out = new ArrayList<>();
                    int i = 0;
                    for (Row row : rows) {
                        AccountRow a = AccountRow.of(row);
                        BigDecimal fee = row.getBigDecimal("monthly_fee");
                        BigDecimal balance = a.balance().subtract(fee);
                        String state = BalanceState.of(a.mode(), balance, a.creditLimit(), a.lowBalanceThreshold());
                        ids[i] = a.accountId();
                        balances[i] = balance.toPlainString();
                        states[i] = state;
                        entries[i] = mapper.createObjectNode().put("id", UUID.randomUUID().toString())
                                .put("at", now.toString()).put("type", "monthly-fee")
                                .put("amount", fee.negate().toPlainString()).put("balanceAfter", balance.toPlainString())
                                .put("period", period).put("reason", "monthly fee, plan " + row.getString("p_code")
                                        + " v" + row.getInteger("p_version")).toString();
                        for (String type : BalanceState.crossings(a.balanceState(), state)) {
                            out.add(events.crossing(type, a.accountId(), balance, a.lowBalanceThreshold(), a.currency()));
                        }
                        touched.add(a.accountId());
                        i++;
                    }
                    return tx.preparedQuery("UPDATE account_billing a SET balance = v.balance::numeric, "
                            + "balance_state = v.state, ledger = a.ledger || jsonb_build_array(v.entry::jsonb), "
                            + "version = a.version + 1 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) "
                            + "AS v(id, balance, state, entry) WHERE a.account_id = v.id")
                            .execute(Tuple.of(ids, balances, states, entries))
                            .chain(() -> outbox.append(tx, out)).replaceWith(n);
                })).call(() -> hot.invalidateAccounts(touched));
    }

    private static String prefixed() {
        StringBuilder columns = new StringBuilder();
        for (String column : AccountRow.COLUMNS.split(",\\s*")) {
            columns.append(columns.isEmpty() ? "" : ", ").append("a.").append(column);
        }
        return columns.toString();
    }
}
