package io.ucp.billing.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * Rates calls. Pure functions, exact decimals. The rounding rule:
 * <ol>
 * <li>Time is rounded UP per increment: the first block is {@code initialIncrementSeconds}, each following block
 * {@code subsequentIncrementSeconds} (60/60: 61 s bills 120 s; 30/6: 31 s bills 36 s; 1/1: to the second).
 * A call with 0 billable seconds (not answered) costs nothing.</li>
 * <li>Included free minutes are consumed in those rounded seconds, from the allowance of the UTC calendar month in
 * which the call started; what they do not cover is charged.</li>
 * <li>amount = connect fee + rate per minute x charged seconds / 60, computed exactly (the division by 60 is carried
 * to 12 decimals, far below any currency's unit); when some seconds are charged, amount = max(amount, minimum
 * charge); a call fully covered by free minutes pays only the connect fee.</li>
 * <li>The amount is rounded once, to the currency's minor units (ISO 4217: EUR 2, JPY 0, KWD 3) with
 * {@link RoundingMode#HALF_UP}.</li>
 * </ol>
 * Internal calls use the plan's internal rate (default 0) with no connect fee, minimum or free-minute use.
 */
public final class RatingEngine {

    public static final RoundingMode MONEY_ROUNDING = RoundingMode.HALF_UP;
    private static final int EXACT_SCALE = 12;
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);

    private RatingEngine() {
    }

    public static Rating rate(PlanVersion plan, Tariff tariff, long billableSeconds, long freeSecondsLeft) {
        if (billableSeconds < 0) {
            throw new IllegalArgumentException("billableSeconds must be >= 0");
        }
        long rounded = roundedSeconds(billableSeconds, plan.initialIncrementSeconds(),
                plan.subsequentIncrementSeconds());
        long free = tariff.usesFreeMinutes() ? Math.min(rounded, Math.max(0, freeSecondsLeft)) : 0;
        long charged = rounded - free;
        BigDecimal cost = rounded == 0 ? BigDecimal.ZERO : amount(tariff, charged);
        return new Rating(toMinorUnits(cost, plan.currency()), plan.currency(), rounded, free, charged, plan.code(),
                plan.version(), tariff.prefix(), tariff.ratePerMinute());
    }

    /** Billable seconds rounded up to the increments (0 stays 0). */
    public static long roundedSeconds(long billableSeconds, int initial, int subsequent) {
        if (billableSeconds <= 0) {
            return 0;
        }
        if (billableSeconds <= initial) {
            return initial;
        }
        long rest = billableSeconds - initial;
        return initial + ((rest + subsequent - 1) / subsequent) * subsequent;
    }

    /**
     * The longest call (in seconds, at most {@code cap}) whose rated cost does not exceed {@code available}; 0 when
     * not even the first increment is covered. Uses {@link #rate} itself, so it agrees with the charge exactly
     * (cost is non-decreasing in duration, hence the binary search).
     */
    public static long maxAffordableSeconds(PlanVersion plan, Tariff tariff, BigDecimal available,
            long freeSecondsLeft, long cap) {
        if (rate(plan, tariff, cap, freeSecondsLeft).cost().compareTo(available) <= 0) {
            return cap;
        }
        if (rate(plan, tariff, 1, freeSecondsLeft).cost().compareTo(available) > 0) {
            return 0;
        }
        long low = 1;
        long high = cap;
        while (high - low > 1) {
            long mid = (low + high) >>> 1;
            if (rate(plan, tariff, mid, freeSecondsLeft).cost().compareTo(available) <= 0) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Start of the UTC calendar month holding {@code at}: the free-minute allowance's period. */
    public static java.time.Instant monthStart(java.time.Instant at) {
        return java.time.YearMonth.from(at.atOffset(java.time.ZoneOffset.UTC)).atDay(1)
                .atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    }

    public static java.time.Instant nextMonthStart(java.time.Instant at) {
        return monthStart(at).atOffset(java.time.ZoneOffset.UTC).plusMonths(1).toInstant();
    }

    /** Free seconds the plan still grants in the month, given the seconds already used. */
    public static long freeSecondsLeft(PlanVersion plan, long usedThisMonth) {
        return Math.max(0, plan.includedFreeMinutes() * 60L - usedThisMonth);
    }

    public static int minorUnits(String currency) {
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        return Math.max(digits, 0);
    }

    public static BigDecimal toMinorUnits(BigDecimal amount, String currency) {
        return amount.setScale(minorUnits(currency), MONEY_ROUNDING);
    }

    private static BigDecimal amount(Tariff tariff, long chargedSeconds) {
        BigDecimal usage = tariff.ratePerMinute().multiply(BigDecimal.valueOf(chargedSeconds))
                .divide(SIXTY, EXACT_SCALE, RoundingMode.HALF_UP);
        BigDecimal amount = tariff.connectFee().add(usage);
        if (chargedSeconds > 0 && amount.compareTo(tariff.minimumCharge()) < 0) {
            amount = tariff.minimumCharge();
        }
        return amount;
    }
}
