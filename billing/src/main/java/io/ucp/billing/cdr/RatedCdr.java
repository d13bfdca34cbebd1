package io.ucp.billing.cdr;

import java.math.BigDecimal;
import java.time.Instant;

/** A CDR with its rating (cost null = not rated: no billing account, plan, version or tariff for the call). */
public record RatedCdr(CdrDraft draft, BigDecimal cost, String currency, String planCode, Integer planVersion,
        String ratePrefix, BigDecimal ratePerMinute, int freeSeconds, Instant ratedAt) {

    /** rate_prefix of a free inbound call (no plan applies). */
    public static final String FREE_INBOUND = "free-inbound";
}
