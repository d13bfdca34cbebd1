package io.ucp.billing.rating;

import java.math.BigDecimal;

/**
 * The result of rating one call: {@code roundedSeconds} is the billable time rounded up to the plan's increments,
 * of which {@code freeSeconds} came from the month's included minutes and {@code chargedSeconds} were paid for.
 */
public record Rating(BigDecimal cost, String currency, long roundedSeconds, long freeSeconds, long chargedSeconds,
        String planCode, int planVersion, String ratePrefix, BigDecimal ratePerMinute) {
}
