package io.ucp.billing.authorization;

import io.smallrye.mutiny.Uni;
import io.ucp.billing.hot.HotAccount;
import io.ucp.billing.hot.HotData;
import io.ucp.billing.rating.PlanVersion;
import io.ucp.billing.rating.RatingEngine;
import io.ucp.billing.rating.Tariff;
import io.ucp.billing.support.BillingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Call authorization from hot data only (Redis; PostgreSQL on a miss). The maximum duration is found with the
 * rating engine itself, so a call that lasts exactly that long is charged no more than the funds available. A call
 * that costs nothing (free internal calls, free minutes left) is allowed even with no funds.
 */
@ApplicationScoped
public class AuthorizationService {

    private final HotData hot;
    private final BillingConfig config;

    public AuthorizationService(HotData hot, BillingConfig config) {
        this.hot = hot;
        this.config = config;
    }

    public Uni<AuthorizationResponse> authorize(UUID accountId, String destination) {
        return hot.account(accountId).chain(account -> {
            if (account == null) {
                return Uni.createFrom().item(denied("no-billing-account", null, null));
            }
            if (account.planCode() == null) {
                return Uni.createFrom().item(denied("no-plan", null, account.currency()));
            }
            return hot.plan(account.planCode()).map(versions -> decide(account, PlanVersion.at(versions,
                    Instant.now()), destination));
        });
    }

    private AuthorizationResponse decide(HotAccount account, Optional<PlanVersion> plan, String destination) {
        if (plan.isEmpty() || !plan.get().currency().equals(account.currency())) {
            return denied("no-plan", null, account.currency());
        }
        Optional<Tariff> tariff = plan.get().tariffFor(destination);
        if (tariff.isEmpty()) {
            return denied("no-rate", null, account.currency());
        }
        long freeLeft = tariff.get().usesFreeMinutes()
                ? RatingEngine.freeSecondsLeft(plan.get(), account.freeSecondsUsed()) : 0;
        BigDecimal available = account.available().max(BigDecimal.ZERO);
        long max = RatingEngine.maxAffordableSeconds(plan.get(), tariff.get(), available, freeLeft,
                config.maxCallSeconds());
        BigDecimal rate = tariff.get().ratePerMinute();
        return max > 0 ? new AuthorizationResponse(true, "ok", max, rate, account.currency())
                : denied("insufficient-funds", rate, account.currency());
    }

    private static AuthorizationResponse denied(String reason, BigDecimal rate, String currency) {
        return new AuthorizationResponse(false, reason, 0, rate, currency);
    }
}
