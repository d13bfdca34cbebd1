package io.ucp.billing.plan;

import io.ucp.billing.rating.DestinationRate;
import io.ucp.billing.rating.PlanVersion;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A plan version as the API shows it; {@code inUse} = already rated calls or in force, hence immutable. */
public record PlanResponse(String code, int version, String name, String currency, Instant effectiveFrom,
        Instant effectiveTo, int initialIncrementSeconds, int subsequentIncrementSeconds, BigDecimal connectFee,
        BigDecimal minimumCharge, BigDecimal monthlyFee, int includedFreeMinutes, BigDecimal internalRatePerMinute,
        List<DestinationRate> destinationRates, boolean inUse) {

    static PlanResponse of(PlanVersion p, boolean inUse) {
        return new PlanResponse(p.code(), p.version(), p.name(), p.currency(), p.effectiveFrom(), p.effectiveTo(),
                p.initialIncrementSeconds(), p.subsequentIncrementSeconds(), p.connectFee(), p.minimumCharge(),
                p.monthlyFee(), p.includedFreeMinutes(), p.internalRatePerMinute(), p.destinationRates(), inUse);
    }

    /** All versions of one code, oldest first. */
    public record History(String code, List<PlanResponse> versions) {
    }

    public record Page(List<PlanResponse> items, String nextCursor) {
    }
}
