package io.ucp.billing.rating;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** One version of a billing plan, as the rating engine needs it (no persistence concerns). */
public record PlanVersion(String code, int version, String name, String currency, Instant effectiveFrom,
        Instant effectiveTo, int initialIncrementSeconds, int subsequentIncrementSeconds, BigDecimal connectFee,
        BigDecimal minimumCharge, BigDecimal monthlyFee, int includedFreeMinutes, BigDecimal internalRatePerMinute,
        List<DestinationRate> destinationRates) {

    public static final String INTERNAL = "internal";

    public PlanVersion {
        destinationRates = destinationRates == null ? List.of() : List.copyOf(destinationRates);
    }

    /** Whether a call that started at {@code at} is rated by this version: {@code [effectiveFrom, effectiveTo)}. */
    public boolean effectiveAt(Instant at) {
        return !at.isBefore(effectiveFrom) && (effectiveTo == null || at.isBefore(effectiveTo));
    }

    /** The version of {@code versions} (one plan code) in force at {@code at}, if any. */
    public static Optional<PlanVersion> at(List<PlanVersion> versions, Instant at) {
        return versions.stream().filter(v -> v.effectiveAt(at))
                .max(Comparator.comparingInt(PlanVersion::version));
    }

    /**
     * The tariff for a destination: "internal" uses the internal rate (free unless set; no connect fee, minimum or
     * free-minute use), an E.164 number the longest matching prefix. Empty when no prefix matches.
     */
    public Optional<Tariff> tariffFor(String destination) {
        if (destination == null || INTERNAL.equals(destination)) {
            return Optional.of(new Tariff(INTERNAL, internalRatePerMinute, BigDecimal.ZERO, BigDecimal.ZERO, false));
        }
        String digits = destination.startsWith("+") ? destination.substring(1) : destination;
        DestinationRate best = null;
        for (DestinationRate rate : destinationRates) {
            if (digits.startsWith(rate.prefix()) && (best == null || rate.prefix().length() > best.prefix().length())) {
                best = rate;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        BigDecimal fee = best.connectFee() != null ? best.connectFee() : connectFee;
        return Optional.of(new Tariff(best.prefix(), best.ratePerMinute(), fee, minimumCharge, true));
    }
}
