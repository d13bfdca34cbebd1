package io.ucp.billing.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.hot.HotData;
import io.ucp.billing.plan.PlanStore;
import io.ucp.billing.platform.outbox.OutboxWriter;
import io.ucp.billing.platform.outbox.OutgoingEvent;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.support.BillingConfig;
import io.ucp.billing.support.Cursor;
import io.ucp.billing.support.Money;
import io.ucp.billing.support.RequestHash;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Account billing: settings, and the account-level ledger entries (top-up, adjustment, refund) appended to
 * account_billing.ledger under the row's lock in the same statement that moves the balance, with their events in
 * the outbox. Charges are the rated CDRs themselves (see the cdr package); {@link #ledger} merges both.
 */
@ApplicationScoped
public class AccountBillingService {

    private static final Set<String> MODES = Set.of("prepaid", "postpaid");

    /** Every ledger line of one account, in (at, id) order: account entries, CDR charges, CDR re-rating adjustments. */
    static final String LEDGER_UNION = "SELECT (e->>'at')::timestamptz AS at, e->>'id' AS id, e->>'type' AS type, "
            + "(e->>'amount')::numeric AS amount, NULL::uuid AS cdr_id, NULL::uuid AS call_id, e->>'reason' AS reason, "
            + "e->>'reference' AS reference FROM account_billing a, jsonb_array_elements(a.ledger) e "
            + "WHERE a.account_id = $1 "
            + "UNION ALL SELECT c.ended_at, c.id::text, 'charge', "
            + "-coalesce((c.rating_adjustments->0->>'previousCost')::numeric, c.cost), c.id, c.call_id, NULL, NULL "
            + "FROM cdr_records c WHERE c.account_id = $1 "
            + "AND coalesce((c.rating_adjustments->0->>'previousCost')::numeric, c.cost, 0) <> 0 "
            + "UNION ALL SELECT (e->>'at')::timestamptz, e->>'id', 'adjustment', (e->>'amount')::numeric, c.id, "
            + "c.call_id, e->>'reason', NULL FROM cdr_records c, jsonb_array_elements(c.rating_adjustments) e "
            + "WHERE c.account_id = $1 AND c.rating_adjustments <> '[]'::jsonb";

    private final Pool pool;
    private final OutboxWriter outbox;
    private final BillingEvents events;
    private final HotData hot;
    private final PlanStore plans;
    private final BillingConfig config;
    private final ObjectMapper mapper;

    public AccountBillingService(Pool pool, OutboxWriter outbox, BillingEvents events, HotData hot, PlanStore plans,
            BillingConfig config, ObjectMapper mapper) {
        this.pool = pool;
        this.outbox = outbox;
        this.events = events;
        this.hot = hot;
        this.plans = plans;
        this.config = config;
        this.mapper = mapper;
    }

    /** Creates the account's billing row with the configured defaults; emits whether it was new (idempotent). */
    public Uni<Boolean> ensureAccount(UUID accountId) {
        String mode = MODES.contains(config.defaultMode()) ? config.defaultMode() : "prepaid";
        BigDecimal zero = BigDecimal.ZERO;
        String state = BalanceState.of(mode, zero, config.defaultCreditLimit(), config.defaultLowBalanceThreshold());
        return pool.preparedQuery("INSERT INTO account_billing (account_id, plan_code, mode, currency, balance, "
                + "credit_limit, low_balance_threshold, balance_state) VALUES ($1, $2, $3, $4, 0, $5, $6, $7) "
                + "ON CONFLICT (account_id) DO NOTHING")
                .execute(Tuple.tuple().addValue(accountId).addValue(config.defaultPlan().orElse(null)).addValue(mode)
                        .addValue(config.defaultCurrency()).addValue(config.defaultCreditLimit())
                        .addValue(config.defaultLowBalanceThreshold()).addValue(state))
                .map(rows -> rows.rowCount() == 1)
                .call(created -> created ? hot.invalidateAccounts(List.of(accountId)) : Uni.createFrom().voidItem());
    }

    public Uni<AccountResponses.Billing> get(UUID accountId) {
        return find(pool, accountId, false).map(AccountResponses.Billing::of);
    }

    public Uni<AccountResponses.Billing> updateSettings(UUID accountId, AccountRequests.Settings s) {
        return pool.withTransaction(tx -> find(tx, accountId, true).chain(a -> checkPlan(tx, s.planCode(), a)
                .chain(() -> {
                    String mode = s.mode() == null ? a.mode() : s.mode();
                    BigDecimal credit = s.creditLimit() == null ? a.creditLimit()
                            : Money.amount("creditLimit", s.creditLimit(), a.currency());
                    BigDecimal threshold = s.lowBalanceThreshold() == null ? a.lowBalanceThreshold()
                            : Money.amount("lowBalanceThreshold", s.lowBalanceThreshold(), a.currency());
                    String plan = s.planCode() == null ? a.planCode() : s.planCode();
                    String state = BalanceState.of(mode, a.balance(), credit, threshold);
                    return tx.preparedQuery("UPDATE account_billing SET plan_code = $2, mode = $3, credit_limit = $4, "
                            + "low_balance_threshold = $5, balance_state = $6, version = version + 1 "
                            + "WHERE account_id = $1 RETURNING " + AccountRow.COLUMNS)
                            .execute(Tuple.tuple().addValue(accountId).addValue(plan).addValue(mode).addValue(credit)
                                    .addValue(threshold).addValue(state))
                            .map(rows -> AccountRow.of(rows.iterator().next()))
                            .call(updated -> announceCrossings(tx, a.balanceState(), updated));
                })))
                .call(() -> hot.invalidateAccounts(List.of(accountId)))
                .map(AccountResponses.Billing::of);
    }

    /** A top-up (positive), adjustment (signed) or refund (positive), honouring an Idempotency-Key. */
    public Uni<AccountResponses.Posted> post(UUID accountId, String type, BigDecimal rawAmount, String reason,
            String reference, UUID actor, String idempotencyKey) {
        String hash = RequestHash.of(type + "|" + rawAmount.stripTrailingZeros().toPlainString() + "|" + reason + "|"
                + reference);
        return pool.withTransaction(tx -> find(tx, accountId, true).chain(a -> replay(tx, accountId, idempotencyKey, hash)
                .chain(previous -> {
                    if (previous != null) {
                        return Uni.createFrom().item(previous);
                    }
                    BigDecimal amount = Money.amount("amount", rawAmount, a.currency());
                    if (amount.signum() == 0) {
                        throw ProblemException.badRequest("amount", "must not be zero");
                    }
                    if (!"adjustment".equals(type) && amount.signum() < 0) {
                        throw ProblemException.badRequest("amount", "must be positive for a " + type);
                    }
                    BigDecimal balance = a.balance().add(amount);
                    String state = BalanceState.of(a.mode(), balance, a.creditLimit(), a.lowBalanceThreshold());
                    String id = UUID.randomUUID().toString();
                    Instant at = Instant.now();
                    ObjectNode entry = mapper.createObjectNode().put("id", id).put("at", at.toString())
                            .put("type", type).put("amount", amount.toPlainString())
                            .put("balanceAfter", balance.toPlainString()).put("stateAfter", state).put("reason", reason)
                            .put("reference", reference).put("actor", actor == null ? null : actor.toString())
                            .put("idempotencyKey", idempotencyKey).put("requestHash", hash);
                    AccountResponses.Posted posted = new AccountResponses.Posted(new AccountResponses.LedgerEntry(id, at,
                            type, amount, a.currency(), null, null, reason, reference), balance, state);
                    return tx.preparedQuery("UPDATE account_billing SET balance = $2, balance_state = $3, "
                            + "ledger = ledger || jsonb_build_array($4::text::jsonb), version = version + 1 "
                            + "WHERE account_id = $1 RETURNING " + AccountRow.COLUMNS)
                            .execute(Tuple.of(accountId, balance, state, entry.toString()))
                            .map(rows -> AccountRow.of(rows.iterator().next()))
                            .call(updated -> "top-up".equals(type)
                                    ? outbox.append(tx, events.toppedUp(new BillingEvents.BalanceToppedUp(accountId,
                                            amount, balance, a.currency())))
                                    : Uni.createFrom().voidItem())
                            .call(updated -> announceCrossings(tx, a.balanceState(), updated))
                            .replaceWith(posted);
                })))
                .call(() -> hot.invalidateAccounts(List.of(accountId)));
    }

    /** One page of the merged ledger, oldest first. */
    public Uni<AccountResponses.LedgerPage> ledger(UUID accountId, Cursor after, int limit) {
        return find(pool, accountId, false).chain(a -> pool.preparedQuery("SELECT * FROM (" + LEDGER_UNION + ") l "
                + "WHERE $2::timestamptz IS NULL OR (l.at, l.id) > ($2::timestamptz, $3::text) ORDER BY l.at, l.id LIMIT $4")
                .execute(Tuple.of(accountId, after == null ? null : after.at().atOffset(ZoneOffset.UTC),
                        after == null ? null : after.id(), limit + 1))
                .map(rows -> {
                    List<AccountResponses.LedgerEntry> items = new ArrayList<>();
                    for (Row r : rows) {
                        items.add(new AccountResponses.LedgerEntry(r.getString("id"),
                                r.getOffsetDateTime("at").toInstant(), r.getString("type"),
                                AccountResponses.shown(r.getBigDecimal("amount"), a.currency()),
                                a.currency(), r.getUUID("cdr_id"), r.getUUID("call_id"), r.getString("reason"),
                                r.getString("reference")));
                    }
                    String next = null;
                    if (items.size() > limit) {
                        items = items.subList(0, limit);
                        AccountResponses.LedgerEntry last = items.get(limit - 1);
                        next = new Cursor(last.at(), last.id()).encode();
                    }
                    return new AccountResponses.LedgerPage(accountId, a.currency(),
                            AccountResponses.shown(a.balance(), a.currency()), List.copyOf(items), next);
                }));
    }

    /** Emits balance.low / balance.exhausted when {@code updated} entered a worse state than {@code before}. */
    Uni<Void> announceCrossings(SqlClient tx, String before, AccountRow updated) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String type : BalanceState.crossings(before, updated.balanceState())) {
            OutgoingEvent event = events.crossing(type, updated.accountId(), updated.balance(),
                    updated.lowBalanceThreshold(), updated.currency());
            chain = chain.chain(() -> outbox.append(tx, event));
        }
        return chain;
    }

    Uni<AccountRow> find(SqlClient client, UUID accountId, boolean lock) {
        return client.preparedQuery("SELECT " + AccountRow.COLUMNS + " FROM account_billing WHERE account_id = $1"
                + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(accountId)).map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Billing account " + accountId);
                    }
                    return AccountRow.of(rows.iterator().next());
                });
    }

    private Uni<Void> checkPlan(SqlClient tx, String planCode, AccountRow account) {
        if (planCode == null) {
            return Uni.createFrom().voidItem();
        }
        return plans.versions(tx, planCode, false).map(versions -> {
            if (versions.isEmpty()) {
                throw ProblemException.badRequest("planCode", "no plan " + planCode);
            }
            if (!versions.get(versions.size() - 1).currency().equals(account.currency())) {
                throw ProblemException.badRequest("planCode", "plan is in " + versions.get(0).currency()
                        + " but the account is billed in " + account.currency());
            }
            return null;
        });
    }

    private Uni<AccountResponses.Posted> replay(SqlClient tx, UUID accountId, String key, String hash) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return tx.preparedQuery("SELECT e::text AS entry, a.currency, a.balance_state FROM account_billing a, "
                + "jsonb_array_elements(a.ledger) e WHERE a.account_id = $1 AND e->>'idempotencyKey' = $2")
                .execute(Tuple.of(accountId, key)).map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    JsonNode e = readTree(r.getString("entry"));
                    if (!hash.equals(e.path("requestHash").asText())) {
                        throw ProblemException.unprocessable("Idempotency-Key was used for a different request");
                    }
                    BigDecimal balanceAfter = new BigDecimal(e.path("balanceAfter").asText());
                    return new AccountResponses.Posted(new AccountResponses.LedgerEntry(e.path("id").asText(),
                            Instant.parse(e.path("at").asText()), e.path("type").asText(),
                            new BigDecimal(e.path("amount").asText()), r.getString("currency"), null, null,
                            e.path("reason").asText(null), e.path("reference").asText(null)), balanceAfter,
                            e.path("stateAfter").asText(null));
                });
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("account_billing.ledger holds invalid JSON", e);
        }
    }
}
