package io.ucp.billing.rating;

import java.math.BigDecimal;

/** What a call to one destination costs under one plan version. */
public record Tariff(String prefix, BigDecimal ratePerMinute, BigDecimal connectFee, BigDecimal minimumCharge,
        boolean usesFreeMinutes) {
}
