package io.ucp.billing.cdr;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.account.AccountRow;
import io.ucp.billing.account.BalanceState;
import io.ucp.billing.account.BillingEvents;
import io.ucp.billing.hot.HotData;
import io.ucp.billing.plan.PlanStore;
import io.ucp.billing.platform.events.IncomingEvent;
import io.ucp.billing.platform.outbox.OutgoingEvent;
import io.ucp.billing.rating.MonthlyAllowance;
import io.ucp.billing.rating.PlanVersion;
import io.ucp.billing.rating.Rating;
import io.ucp.billing.rating.RatingEngine;
import io.ucp.billing.rating.Tariff;
import io.ucp.billing.support.OutboxBatch;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a batch of call.ended events into CDRs and charges, exactly once, in ONE transaction:
 * <ol>
 * <li>claim the event ids (processed_events, one statement) and keep the first event per call;</li>
 * <li>lock the paying accounts (FOR UPDATE, in id order: no deadlock between batches) and drop calls that already
 * have a CDR (visible now, since any writer of a paid CDR held the same lock);</li>
 * <li>rate in Java (plans and the month's used free seconds read in one statement each), calls in start order;</li>
 * <li>insert the CDRs (one multi-row statement, ON CONFLICT (call_id) DO NOTHING), move each balance once, and
 * append cdr.rated / balance.low / balance.exhausted to the outbox (one statement).</li>
 * </ol>
 * A replayed event finds its claim or its CDR; a crash before commit leaves nothing, so the redelivered batch
 * starts over. Either way there is one CDR and one charge per call.
 */
@ApplicationScoped
public class CdrIngest {

    public static final String CONSUMER = "billing-cdr";

    private final Pool pool;
    private final PlanStore plans;
    private final CdrWriter writer;
    private final OutboxBatch outbox;
    private final BillingEvents events;
    private final HotData hot;

    public CdrIngest(Pool pool, PlanStore plans, CdrWriter writer, OutboxBatch outbox, BillingEvents events,
            HotData hot) {
        this.pool = pool;
        this.plans = plans;
        this.writer = writer;
        this.outbox = outbox;
        this.events = events;
        this.hot = hot;
    }

    /** How a batch went: CDRs written, events already applied or calls already billed, records skipped. */
    public record Result(int written, int duplicates, int skipped) {
    }

    /** call.ended events paired with their CDR drafts (other types and unreadable snapshots are dropped, logged). */
    public Uni<Result> ingest(List<IncomingEvent> batch) {
        Map<UUID, IncomingEvent> byEventId = new LinkedHashMap<>();
        Map<UUID, CdrDraft> draftByEvent = new HashMap<>();
        int skipped = 0;
        for (IncomingEvent event : batch) {
            if (!"call.ended".equals(event.type())) {
                continue;
            }
            try {
                draftByEvent.put(event.id(), CdrDraft.from(CallSnapshot.of(event.data().path("call"))));
                byEventId.putIfAbsent(event.id(), event);
            } catch (IllegalArgumentException e) {
                skipped++;
                Log.warnf("Skipping call.ended %s: %s", event.id(), e.getMessage());
            }
        }
        if (byEventId.isEmpty()) {
            return Uni.createFrom().item(new Result(0, 0, skipped));
        }
        int skippedFinal = skipped;
        Set<UUID> touched = new HashSet<>();
        return pool.withTransaction(tx -> claim(tx, byEventId.keySet()).chain(claimed -> {
            Map<UUID, CdrDraft> byCall = new LinkedHashMap<>();
            for (UUID eventId : byEventId.keySet()) {
                if (claimed.contains(eventId)) {
                    CdrDraft draft = draftByEvent.get(eventId);
                    byCall.putIfAbsent(draft.callId(), draft);
                }
            }
            int duplicates = byEventId.size() - byCall.size();
            if (byCall.isEmpty()) {
                return Uni.createFrom().item(new Result(0, duplicates, skippedFinal));
            }
            return write(tx, new ArrayList<>(byCall.values()), touched)
                    .map(written -> new Result(written, duplicates + byCall.size() - written, skippedFinal));
        })).call(() -> hot.invalidateAccounts(touched));
    }

    private Uni<Integer> write(SqlClient tx, List<CdrDraft> drafts, Set<UUID> touched) {
        UUID[] payers = drafts.stream().map(CdrDraft::accountId).distinct().sorted().toArray(UUID[]::new);
        return tx.preparedQuery("SELECT " + AccountRow.COLUMNS + " FROM account_billing WHERE account_id = ANY($1) "
                + "ORDER BY account_id FOR UPDATE").execute(Tuple.of(payers)).chain(accountRows -> {
                    Map<UUID, AccountRow> accounts = new HashMap<>();
                    for (Row row : accountRows) {
                        AccountRow a = AccountRow.of(row);
                        accounts.put(a.accountId(), a);
                    }
                    return existing(tx, drafts).chain(existing -> {
                        List<CdrDraft> fresh = drafts.stream().filter(d -> !existing.contains(d.callId()))
                                .sorted(Comparator.comparing(CdrDraft::startedAt)).toList();
                        if (fresh.isEmpty()) {
                            return Uni.createFrom().item(0);
                        }
                        Set<String> codes = new HashSet<>();
                        accounts.values().forEach(a -> {
                            if (a.planCode() != null) {
                                codes.add(a.planCode());
                            }
                        });
                        return plans.versionsOf(tx, codes).chain(planMap -> freeUsage(tx, fresh, accounts, planMap)
                                .chain(allowance -> {
                                    List<RatedCdr> rated = rate(fresh, accounts, planMap, allowance);
                                    return writer.insert(tx, rated).chain(inserted -> settle(tx, rated, inserted,
                                            accounts, touched).replaceWith(inserted.size()));
                                }));
                    });
                });
    }

    private Uni<Set<UUID>> claim(SqlClient tx, Set<UUID> eventIds) {
        return tx.preparedQuery("INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[]) "
                + "ON CONFLICT DO NOTHING RETURNING event_id")
                .execute(Tuple.of(CONSUMER, eventIds.toArray(UUID[]::new))).map(rows -> {
                    Set<UUID> claimed = new HashSet<>();
                    for (Row row : rows) {
                        claimed.add(row.getUUID(0));
                    }
                    return claimed;
                });
    }

    private Uni<Set<UUID>> existing(SqlClient tx, List<CdrDraft> drafts) {
        return tx.preparedQuery("SELECT call_id FROM cdr_records WHERE call_id = ANY($1)")
                .execute(Tuple.of(drafts.stream().map(CdrDraft::callId).toArray(UUID[]::new))).map(rows -> {
                    Set<UUID> found = new HashSet<>();
                    for (Row row : rows) {
                        found.add(row.getUUID(0));
                    }
                    return found;
                });
    }

    /** Free seconds already used, per paying account and month, for accounts whose plan includes free minutes. */
    private Uni<MonthlyAllowance> freeUsage(SqlClient tx, List<CdrDraft> drafts, Map<UUID, AccountRow> accounts,
            Map<String, List<PlanVersion>> planMap) {
        MonthlyAllowance allowance = new MonthlyAllowance();
        Set<UUID> withFreeMinutes = new HashSet<>();
        Instant from = null;
        Instant to = null;
        for (CdrDraft d : drafts) {
            AccountRow a = accounts.get(d.accountId());
            if (!d.charged() || a == null || a.planCode() == null) {
                continue;
            }
            boolean free = planMap.getOrDefault(a.planCode(), List.of()).stream()
                    .anyMatch(p -> p.includedFreeMinutes() > 0);
            if (free) {
                withFreeMinutes.add(d.accountId());
                Instant month = RatingEngine.monthStart(d.startedAt());
                Instant next = RatingEngine.nextMonthStart(d.startedAt());
                from = from == null || month.isBefore(from) ? month : from;
                to = to == null || next.isAfter(to) ? next : to;
            }
        }
        if (withFreeMinutes.isEmpty()) {
            return Uni.createFrom().item(allowance);
        }
        return tx.preparedQuery("SELECT account_id, date_trunc('month', started_at AT TIME ZONE 'UTC') AS month, "
                + "sum(free_seconds) AS used FROM cdr_records WHERE account_id = ANY($1) AND started_at >= $2 "
                + "AND started_at < $3 AND free_seconds > 0 GROUP BY 1, 2")
                .execute(Tuple.of(withFreeMinutes.toArray(UUID[]::new), from.atOffset(ZoneOffset.UTC),
                        to.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    for (Row row : rows) {
                        LocalDateTime month = row.getLocalDateTime("month");
                        allowance.seed(row.getUUID("account_id"), month.toInstant(ZoneOffset.UTC), row.getLong("used"));
                    }
                    return allowance;
                });
    }

    static List<RatedCdr> rate(List<CdrDraft> drafts, Map<UUID, AccountRow> accounts,
            Map<String, List<PlanVersion>> planMap, MonthlyAllowance allowance) {
        Instant now = Instant.now();
        List<RatedCdr> rated = new ArrayList<>(drafts.size());
        for (CdrDraft d : drafts) {
            AccountRow a = accounts.get(d.accountId());
            if (!d.charged()) {
                String currency = a == null ? null : a.currency();
                rated.add(new RatedCdr(d, currency == null ? null : BigDecimal.ZERO.setScale(
                        RatingEngine.minorUnits(currency)), currency, null, null, RatedCdr.FREE_INBOUND, null, 0,
                        currency == null ? null : now));
                continue;
            }
            Optional<Rating> rating = rating(d, a, planMap, allowance);
            if (rating.isEmpty()) {
                rated.add(new RatedCdr(d, null, null, a == null ? null : a.planCode(), null, null, null, 0, null));
                continue;
            }
            Rating r = rating.get();
            allowance.consume(d.accountId(), d.startedAt(), r.freeSeconds());
            rated.add(new RatedCdr(d, r.cost(), r.currency(), r.planCode(), r.planVersion(), r.ratePrefix(),
                    r.ratePerMinute(), (int) r.freeSeconds(), now));
        }
        return rated;
    }

    /** The rating of a charged call, or empty when it cannot be rated yet (logged). */
    static Optional<Rating> rating(CdrDraft d, AccountRow a, Map<String, List<PlanVersion>> planMap,
            MonthlyAllowance allowance) {
        if (a == null || a.planCode() == null) {
            Log.debugf("Call %s: account %s has no billing account or plan; CDR left unrated", d.callId(), d.accountId());
            return Optional.empty();
        }
        Optional<PlanVersion> plan = PlanVersion.at(planMap.getOrDefault(a.planCode(), List.of()), d.startedAt());
        if (plan.isEmpty() || !plan.get().currency().equals(a.currency())) {
            Log.warnf("Call %s: no version of plan %s in %s at %s; CDR left unrated", d.callId(), a.planCode(),
                    a.currency(), d.startedAt());
            return Optional.empty();
        }
        Optional<Tariff> tariff = plan.get().tariffFor(d.destination());
        if (tariff.isEmpty()) {
            Log.warnf("Call %s: plan %s v%d has no rate for %s; CDR left unrated", d.callId(), a.planCode(),
                    plan.get().version(), d.destination());
            return Optional.empty();
        }
        long freeLeft = allowance.left(plan.get(), d.accountId(), d.startedAt());
        return Optional.of(RatingEngine.rate(plan.get(), tariff.get(), d.billableSeconds(), freeLeft));
    }

    /** Charges the inserted CDRs: one balance update per account, events in call order. */
    private Uni<Void> settle(SqlClient tx, List<RatedCdr> rated, Set<UUID> inserted, Map<UUID, AccountRow> accounts,
            Set<UUID> touched) {
        Map<UUID, BigDecimal> balances = new LinkedHashMap<>();
        Map<UUID, String> states = new HashMap<>();
        List<OutgoingEvent> out = new ArrayList<>();
        for (RatedCdr r : rated) {
            CdrDraft d = r.draft();
            if (!inserted.contains(d.callId()) || r.cost() == null) {
                continue;
            }
            out.add(events.cdrRated(new BillingEvents.CdrRated(d.id(), d.callId(), d.accountId(), r.cost(),
                    r.currency(), d.billableSeconds())));
            AccountRow a = accounts.get(d.accountId());
            if (d.charged() && a != null) {
                touched.add(a.accountId()); // balance or this month's free seconds changed: drop the hot copy
            }
            if (!d.charged() || a == null || r.cost().signum() == 0) {
                continue;
            }
            BigDecimal balance = balances.getOrDefault(a.accountId(), a.balance()).subtract(r.cost());
            String before = states.getOrDefault(a.accountId(), a.balanceState());
            String after = BalanceState.of(a.mode(), balance, a.creditLimit(), a.lowBalanceThreshold());
            for (String type : BalanceState.crossings(before, after)) {
                out.add(events.crossing(type, a.accountId(), balance, a.lowBalanceThreshold(), a.currency()));
            }
            balances.put(a.accountId(), balance);
            states.put(a.accountId(), after);
        }
        Uni<Void> updateBalances = Uni.createFrom().voidItem();
        if (!balances.isEmpty()) {
            UUID[] ids = balances.keySet().toArray(UUID[]::new);
            String[] values = balances.values().stream().map(BigDecimal::toPlainString).toArray(String[]::new);
            String[] stateValues = balances.keySet().stream().map(states::get).toArray(String[]::new);
            updateBalances = tx.preparedQuery("UPDATE account_billing a SET balance = v.balance::numeric, "
                    + "balance_state = v.state, version = a.version + 1 "
                    + "FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, balance, state) WHERE a.account_id = v.id")
                    .execute(Tuple.of(ids, values, stateValues)).replaceWithVoid();
        }
        return updateBalances.chain(() -> outbox.append(tx, out));
    }
}
