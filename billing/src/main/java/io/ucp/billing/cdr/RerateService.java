package io.ucp.billing.cdr;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.account.AccountRow;
import io.ucp.billing.account.BalanceState;
import io.ucp.billing.account.BillingEvents;
import io.ucp.billing.hot.HotData;
import io.ucp.billing.plan.PlanStore;
import io.ucp.billing.platform.outbox.OutboxWriter;
import io.ucp.billing.platform.outbox.OutgoingEvent;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.rating.PlanVersion;
import io.ucp.billing.rating.Rating;
import io.ucp.billing.rating.RatingEngine;
import io.ucp.billing.rating.Tariff;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Re-rates one CDR with the plan versions as they are now (after a correction version was added). The CDR keeps
 * its first charge; the difference is appended to its rating_adjustments and applied to the balance, so
 * re-rating twice, or re-rating with an unchanged plan, charges nothing more. A CDR that was never rated (no plan
 * then) gets its first charge instead.
 */
@ApplicationScoped
public class RerateService {

    private final Pool pool;
    private final PlanStore plans;
    private final CdrQueries queries;
    private final OutboxWriter outbox;
    private final BillingEvents events;
    private final HotData hot;
    private final ObjectMapper mapper;

    public RerateService(Pool pool, PlanStore plans, CdrQueries queries, OutboxWriter outbox, BillingEvents events,
            HotData hot, ObjectMapper mapper) {
        this.pool = pool;
        this.plans = plans;
        this.queries = queries;
        this.outbox = outbox;
        this.events = events;
        this.hot = hot;
        this.mapper = mapper;
    }

    public Uni<CdrResponse> rerate(UUID cdrId) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT account_id FROM cdr_records WHERE id = $1")
                .execute(Tuple.of(cdrId)).chain(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("CDR " + cdrId);
                    }
                    UUID accountId = rows.iterator().next().getUUID(0);
                    // Same lock order as the CDR consumer: the account, then its CDR.
                    return tx.preparedQuery("SELECT " + AccountRow.COLUMNS + " FROM account_billing "
                            + "WHERE account_id = $1 FOR UPDATE").execute(Tuple.of(accountId))
                            .chain(accountRows -> {
                                if (accountRows.size() == 0) {
                                    throw ProblemException.unprocessable("The paying account has no billing account");
                                }
                                AccountRow account = AccountRow.of(accountRows.iterator().next());
                                return tx.preparedQuery("SELECT " + CdrQueries.COLUMNS + " FROM cdr_records "
                                        + "WHERE id = $1 FOR UPDATE").execute(Tuple.of(cdrId))
                                        .chain(cdrRows -> apply(tx, account, queries.toResponse(cdrRows.iterator().next())));
                            });
                }))
                .call(cdr -> hot.invalidateAccounts(List.of(cdr.accountId())));
    }

    private Uni<CdrResponse> apply(SqlClient tx, AccountRow account, CdrResponse cdr) {
        if (RatedCdr.FREE_INBOUND.equals(cdr.ratePrefix())) {
            throw ProblemException.unprocessable("This call is free for the account (inbound, not forwarded)");
        }
        String code = cdr.planCode() != null ? cdr.planCode() : account.planCode();
        if (code == null) {
            throw ProblemException.unprocessable("No plan to rate the call with");
        }
        String destination = "internal".equals(cdr.direction()) ? PlanVersion.INTERNAL : cdr.calleeNumber();
        Instant monthStart = RatingEngine.monthStart(cdr.startedAt());
        return plans.versions(tx, code, false).chain(versions -> tx.preparedQuery("SELECT coalesce(sum(free_seconds), 0) "
                + "FROM cdr_records WHERE account_id = $1 AND started_at >= $2 AND started_at < $3 AND id <> $4")
                .execute(Tuple.of(account.accountId(), monthStart.atOffset(ZoneOffset.UTC),
                        RatingEngine.nextMonthStart(monthStart).atOffset(ZoneOffset.UTC), cdr.id()))
                .chain(usedRows -> {
                    long used = usedRows.iterator().next().getLong(0);
                    Optional<PlanVersion> plan = PlanVersion.at(versions, cdr.startedAt());
                    if (plan.isEmpty() || !plan.get().currency().equals(account.currency())) {
                        throw ProblemException.unprocessable("No version of plan " + code + " in "
                                + account.currency() + " covers the call's start");
                    }
                    Optional<Tariff> tariff = plan.get().tariffFor(destination);
                    if (tariff.isEmpty()) {
                        throw ProblemException.unprocessable("Plan " + code + " has no rate for " + destination);
                    }
                    Rating rating = RatingEngine.rate(plan.get(), tariff.get(), cdr.billableSeconds(),
                            RatingEngine.freeSecondsLeft(plan.get(), used));
                    return store(tx, account, cdr, rating);
                }));
    }

    private Uni<CdrResponse> store(SqlClient tx, AccountRow account, CdrResponse cdr, Rating rating) {
        BigDecimal previous = cdr.cost();
        boolean same = previous != null && previous.compareTo(rating.cost()) == 0
                && rating.planVersion() == (cdr.planVersion() == null ? -1 : cdr.planVersion())
                && rating.freeSeconds() == cdr.freeSeconds();
        if (same) {
            return Uni.createFrom().item(cdr);
        }
        // Money moves by the difference only: a first rating charges the cost, a re-rating its delta.
        BigDecimal delta = previous == null ? rating.cost().negate() : previous.subtract(rating.cost());
        int ratingVersion = previous == null ? cdr.ratingVersion() : cdr.ratingVersion() + 1;
        String adjustment = previous == null || delta.signum() == 0 ? null : mapper.createObjectNode()
                .put("id", UUID.randomUUID().toString()).put("at", Instant.now().toString())
                .put("ratingVersion", ratingVersion).put("previousCost", previous.toPlainString())
                .put("newCost", rating.cost().toPlainString()).put("amount", delta.toPlainString())
                .put("reason", "re-rated with plan " + rating.planCode() + " v" + rating.planVersion()).toString();
        BigDecimal balance = account.balance().add(delta);
        String state = BalanceState.of(account.mode(), balance, account.creditLimit(), account.lowBalanceThreshold());
        Uni<Void> cdrUpdate = tx.preparedQuery("UPDATE cdr_records SET cost = $2, currency = $3, plan_code = $4, "
                + "plan_version = $5, rate_prefix = $6, rate_per_minute = $7, free_seconds = $8, rating_version = $9, "
                + "rated_at = now(), rating_adjustments = CASE WHEN $10::text IS NULL THEN rating_adjustments "
                + "ELSE rating_adjustments || jsonb_build_array($10::text::jsonb) END WHERE id = $1")
                .execute(Tuple.tuple().addValue(cdr.id()).addValue(rating.cost()).addValue(rating.currency())
                        .addValue(rating.planCode()).addValue(rating.planVersion()).addValue(rating.ratePrefix())
                        .addValue(rating.ratePerMinute()).addValue((int) rating.freeSeconds()).addValue(ratingVersion)
                        .addValue(adjustment))
                .replaceWithVoid();
        Uni<Void> balanceUpdate = delta.signum() == 0 ? Uni.createFrom().voidItem()
                : tx.preparedQuery("UPDATE account_billing SET balance = $2, balance_state = $3, version = version + 1 "
                        + "WHERE account_id = $1").execute(Tuple.of(account.accountId(), balance, state))
                        .replaceWithVoid()
                        .chain(() -> crossings(tx, account, balance, state));
        OutgoingEvent rated = events.cdrRated(new BillingEvents.CdrRated(cdr.id(), cdr.callId(), account.accountId(),
                rating.cost(), rating.currency(), cdr.billableSeconds()));
        return cdrUpdate.chain(() -> balanceUpdate).chain(() -> outbox.append(tx, rated))
                .chain(() -> tx.preparedQuery("SELECT " + CdrQueries.COLUMNS + " FROM cdr_records WHERE id = $1")
                        .execute(Tuple.of(cdr.id())))
                .map(rows -> queries.toResponse(rows.iterator().next()));
    }

    private Uni<Void> crossings(SqlClient tx, AccountRow account, BigDecimal balance, String state) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String type : BalanceState.crossings(account.balanceState(), state)) {
            OutgoingEvent e = events.crossing(type, account.accountId(), balance, account.lowBalanceThreshold(),
                    account.currency());
            chain = chain.chain(() -> outbox.append(tx, e));
        }
        return chain;
    }
}
