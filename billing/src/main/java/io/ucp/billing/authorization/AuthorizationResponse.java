package io.ucp.billing.authorization;

import java.math.BigDecimal;

/**
 * The answer for call setup. {@code maxDurationSeconds} is the longest call whose rated cost the available funds
 * cover (capped); reasons: ok, no-billing-account, no-plan, no-rate, insufficient-funds.
 */
public record AuthorizationResponse(boolean allowed, String reason, long maxDurationSeconds, BigDecimal ratePerMinute,
        String currency) {
}
