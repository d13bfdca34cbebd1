package io.ucp.billing.rating;

import java.math.BigDecimal;

/** A per-minute price for numbers starting with {@code prefix} (E.164 digits without '+'); a null connect fee
 * means the plan's. */
public record DestinationRate(String prefix, BigDecimal ratePerMinute, BigDecimal connectFee) {
}
