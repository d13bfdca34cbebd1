package io.ucp.billing.support;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/** Billing settings: defaults for accounts created from identity.events, and limits. */
@ConfigMapping(prefix = "ucp.billing")
public interface BillingConfig {

    /** Plan code given to new accounts (none: their calls stay unrated until a plan is assigned). */
    Optional<String> defaultPlan();

    @WithDefault("EUR")
    String defaultCurrency();

    @WithDefault("prepaid")
    String defaultMode();

    @WithDefault("0")
    BigDecimal defaultCreditLimit();

    @WithDefault("0")
    BigDecimal defaultLowBalanceThreshold();

    /** Longest call authorization grants when the balance is not the limit. */
    @WithDefault("14400")
    long maxCallSeconds();

    /** Lifetime of hot balances and plans in Redis (they are also deleted on every change). */
    @WithDefault("60s")
    Duration cacheTtl();
}
