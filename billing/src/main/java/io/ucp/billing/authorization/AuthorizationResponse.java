package io.ucp.billing.authorization;

import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer for call setup. {@code maxDurationSeconds} is the longest call whose rated cost the available funds
 * cover (capped); reasons: ok, no-billing-account, no-plan, no-rate, insufficient-funds.
 */
public record AuthorizationResponse(boolean allowed,
        @Schema(enumeration = {"ok", "no-billing-account", "no-plan", "no-rate", "insufficient-funds"}) String reason,
        long maxDurationSeconds,
        @Schema(type = SchemaType.NUMBER, format = "decimal", nullable = true,
                description = "The destination's rate; null when there is no plan or rate for it")
        BigDecimal ratePerMinute,
        @Schema(nullable = true, description = "null when the account has no billing account") String currency) {
}
