package io.ucp.billing.plan;

import io.smallrye.mutiny.Uni;
import io.ucp.billing.hot.HotData;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.rating.DestinationRate;
import io.ucp.billing.rating.PlanVersion;
import io.ucp.billing.support.Money;
import io.ucp.billing.support.RequestHash;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plan versions. A version that is in force (effective_from has passed) has rated or may rate calls, so it is
 * never edited or deleted: a change is a new version from a later instant (which may be in the past, to correct
 * calls since then; re-rating those calls writes adjustments). Only scheduled (future) versions can be edited or
 * withdrawn.
 */
@ApplicationScoped
public class PlanService {

    private final Pool pool;
    private final PlanStore store;
    private final HotData hot;

    public PlanService(Pool pool, PlanStore store, HotData hot) {
        this.pool = pool;
        this.store = store;
        this.hot = hot;
    }

    public record Created(PlanVersion plan, boolean replayed) {
    }

    public Uni<Created> create(PlanRequest request, String idempotencyKey) {
        if (request.code() == null) {
            throw ProblemException.badRequest("code", "must not be null");
        }
        Instant now = Instant.now();
        PlanVersion plan = toPlan(request.code(), 1, request, now);
        String hash = RequestHash.of("create|" + request);
        return pool.withTransaction(tx -> replay(tx, idempotencyKey, hash).chain(previous -> previous != null
                ? Uni.createFrom().item(new Created(previous, true))
                : store.versions(tx, plan.code(), true).chain(existing -> {
                    if (!existing.isEmpty()) {
                        throw ProblemException.conflict("Plan " + plan.code() + " exists; add a version instead");
                    }
                    return store.insert(tx, plan, idempotencyKey, hash).replaceWith(new Created(plan, false));
                })))
                .call(created -> hot.invalidatePlan(plan.code()));
    }

    public Uni<Created> addVersion(String code, PlanRequest request, String idempotencyKey) {
        requireSameCode(code, request);
        Instant now = Instant.now();
        return pool.withTransaction(tx -> store.versions(tx, code, true).chain(existing -> {
            if (existing.isEmpty()) {
                throw ProblemException.notFound("Plan " + code);
            }
            PlanVersion latest = existing.get(existing.size() - 1);
            PlanVersion plan = toPlan(code, latest.version() + 1, request, now);
            String hash = RequestHash.of("version|" + code + "|" + request);
            return replay(tx, idempotencyKey, hash).chain(previous -> {
                if (previous != null) {
                    return Uni.createFrom().item(new Created(previous, true));
                }
                requireSameCurrency(latest, plan);
                if (!plan.effectiveFrom().isAfter(latest.effectiveFrom())) {
                    throw ProblemException.badRequest("effectiveFrom",
                            "must be after the latest version's start (" + latest.effectiveFrom() + ")");
                }
                return store.setEffectiveTo(tx, code, latest.version(), plan.effectiveFrom())
                        .chain(() -> store.insert(tx, plan, idempotencyKey, hash))
                        .replaceWith(new Created(plan, false));
            });
        })).call(created -> hot.invalidatePlan(code));
    }

    public Uni<PlanVersion> updateScheduled(String code, int version, PlanRequest request) {
        requireSameCode(code, request);
        Instant now = Instant.now();
        return pool.withTransaction(tx -> store.versions(tx, code, true).chain(existing -> {
            PlanVersion current = find(existing, code, version);
            requireNotInUse(current, now);
            PlanVersion updated = toPlan(code, version, request, now);
            requireSameCurrency(current, updated);
            PlanVersion previous = previousOf(existing, version);
            if (!updated.effectiveFrom().isAfter(now)) {
                throw ProblemException.badRequest("effectiveFrom", "must stay in the future for a scheduled version");
            }
            if (previous != null && !updated.effectiveFrom().isAfter(previous.effectiveFrom())) {
                throw ProblemException.badRequest("effectiveFrom", "must be after the previous version's start");
            }
            PlanVersion next = existing.stream().filter(p -> p.version() == version + 1).findFirst().orElse(null);
            if (next != null && !updated.effectiveFrom().isBefore(next.effectiveFrom())) {
                throw ProblemException.badRequest("effectiveFrom", "must be before the next version's start");
            }
            PlanVersion withEnd = new PlanVersion(code, version, updated.name(), updated.currency(),
                    updated.effectiveFrom(), current.effectiveTo(), updated.initialIncrementSeconds(),
                    updated.subsequentIncrementSeconds(), updated.connectFee(), updated.minimumCharge(),
                    updated.monthlyFee(), updated.includedFreeMinutes(), updated.internalRatePerMinute(),
                    updated.destinationRates());
            Uni<Void> closePrevious = previous == null ? Uni.createFrom().voidItem()
                    : store.setEffectiveTo(tx, code, previous.version(), withEnd.effectiveFrom());
            return closePrevious.chain(() -> store.update(tx, withEnd)).replaceWith(withEnd);
        })).call(updated -> hot.invalidatePlan(code));
    }

    /** Withdraws the latest version while it is still scheduled; the previous one stays in force open-ended. */
    public Uni<Void> withdrawScheduled(String code, int version) {
        Instant now = Instant.now();
        return pool.withTransaction(tx -> store.versions(tx, code, true).chain(existing -> {
            PlanVersion current = find(existing, code, version);
            requireNotInUse(current, now);
            if (current.version() != existing.get(existing.size() - 1).version()) {
                throw ProblemException.conflict("Only the latest version can be withdrawn");
            }
            PlanVersion previous = previousOf(existing, version);
            if (previous == null) {
                return store.assignedToAnAccount(tx, code).chain(assigned -> {
                    if (assigned) {
                        throw ProblemException.conflict("Plan " + code + " is assigned to accounts");
                    }
                    return store.delete(tx, code, version);
                });
            }
            return store.delete(tx, code, version).chain(() -> store.setEffectiveTo(tx, code, previous.version(), null));
        })).call(() -> hot.invalidatePlan(code));
    }

    public Uni<List<PlanVersion>> history(String code) {
        return store.versions(pool, code, false).map(versions -> {
            if (versions.isEmpty()) {
                throw ProblemException.notFound("Plan " + code);
            }
            return versions;
        });
    }

    public Uni<PlanVersion> version(String code, int version) {
        return store.versions(pool, code, false).map(versions -> find(versions, code, version));
    }

    public Uni<List<PlanVersion>> latest(String afterCode, int limit) {
        return store.latest(pool, afterCode, limit);
    }

    public static boolean inUse(PlanVersion plan, Instant now) {
        return !plan.effectiveFrom().isAfter(now);
    }

    private Uni<PlanVersion> replay(SqlClient tx, String idempotencyKey, String hash) {
        if (idempotencyKey == null) {
            return Uni.createFrom().nullItem();
        }
        String[] storedHash = new String[1];
        return store.byIdempotencyKey(tx, idempotencyKey, storedHash).map(previous -> {
            if (previous != null && !hash.equals(storedHash[0])) {
                throw ProblemException.unprocessable("Idempotency-Key was used for a different request");
            }
            return previous;
        });
    }

    private static PlanVersion toPlan(String code, int version, PlanRequest r, Instant now) {
        String currency = Money.currency("currency", r.currency());
        List<PlanRequest.Rate> rates = r.destinationRates() == null ? List.of() : r.destinationRates();
        Set<String> prefixes = new HashSet<>();
        for (PlanRequest.Rate rate : rates) {
            if (!prefixes.add(rate.prefix())) {
                throw ProblemException.badRequest("destinationRates", "prefix " + rate.prefix() + " is listed twice");
            }
        }
        BigDecimal minimum = r.minimumCharge() == null ? BigDecimal.ZERO
                : Money.amount("minimumCharge", r.minimumCharge(), currency);
        BigDecimal monthly = r.monthlyFee() == null ? BigDecimal.ZERO
                : Money.amount("monthlyFee", r.monthlyFee(), currency);
        return new PlanVersion(code, version, r.name().strip(), currency,
                r.effectiveFrom() == null ? now : r.effectiveFrom().toInstant(), null,
                r.initialIncrementSeconds() == null ? 60 : r.initialIncrementSeconds(),
                r.subsequentIncrementSeconds() == null ? 60 : r.subsequentIncrementSeconds(),
                orZero(r.connectFee()), minimum, monthly,
                r.includedFreeMinutes() == null ? 0 : r.includedFreeMinutes(), orZero(r.internalRatePerMinute()),
                rates.stream().map(x -> new DestinationRate(x.prefix(), x.ratePerMinute(), x.connectFee())).toList());
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }

    private static void requireSameCode(String code, PlanRequest request) {
        if (request.code() != null && !request.code().equals(code)) {
            throw ProblemException.badRequest("code", "must match the plan in the path");
        }
    }

    private static void requireSameCurrency(PlanVersion existing, PlanVersion next) {
        if (!existing.currency().equals(next.currency())) {
            throw ProblemException.badRequest("currency",
                    "a plan's currency cannot change (accounts are billed in it); create another plan");
        }
    }

    private static void requireNotInUse(PlanVersion plan, Instant now) {
        if (inUse(plan, now)) {
            throw ProblemException.conflict("Plan " + plan.code() + " version " + plan.version()
                    + " is in force since " + plan.effectiveFrom() + " and cannot be changed; add a version instead");
        }
    }

    private static PlanVersion find(List<PlanVersion> versions, String code, int version) {
        return versions.stream().filter(p -> p.version() == version).findFirst()
                .orElseThrow(() -> ProblemException.notFound("Plan " + code + " version " + version));
    }

    private static PlanVersion previousOf(List<PlanVersion> versions, int version) {
        return versions.stream().filter(p -> p.version() == version - 1).findFirst().orElse(null);
    }
}
