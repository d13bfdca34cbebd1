package io.ucp.billing.rating;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rating rules, table-driven, without a Quarkus boot. */
class RatingEngineTest {

    private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");

    static PlanVersion plan(int initial, int subsequent, String connectFee, String minimum, int freeMinutes,
            List<DestinationRate> rates) {
        return new PlanVersion("std", 1, "Standard", "EUR", JAN, null, initial, subsequent, new BigDecimal(connectFee),
                new BigDecimal(minimum), BigDecimal.ZERO, freeMinutes, BigDecimal.ZERO, rates);
    }

    static PlanVersion flat(int initial, int subsequent, String ratePerMinute) {
        return plan(initial, subsequent, "0", "0", 0, List.of(new DestinationRate("", new BigDecimal(ratePerMinute), null)));
    }

    static Rating rate(PlanVersion plan, String destination, long seconds, long freeLeft) {
        return RatingEngine.rate(plan, plan.tariffFor(destination).orElseThrow(), seconds, freeLeft);
    }

    @ParameterizedTest(name = "{0}/{1} increments, {2} s -> {3} s billed, cost {4}")
    @CsvSource({
        // initial, subsequent, billable s, rounded s, cost at 1.20/min
        "60, 60,  0,   0, 0.00",
        "60, 60,  1,  60, 1.20",
        "60, 60, 29,  60, 1.20",
        "60, 60, 30,  60, 1.20",
        "60, 60, 31,  60, 1.20",
        "60, 60, 59,  60, 1.20",
        "60, 60, 60,  60, 1.20",
        "60, 60, 61, 120, 2.40",
        "30,  6,  0,   0, 0.00",
        "30,  6,  1,  30, 0.60",
        "30,  6, 29,  30, 0.60",
        "30,  6, 30,  30, 0.60",
        "30,  6, 31,  36, 0.72",
        "30,  6, 59,  60, 1.20",
        "30,  6, 60,  60, 1.20",
        "30,  6, 61,  66, 1.32",
        " 1,  1,  0,   0, 0.00",
        " 1,  1,  1,   1, 0.02",
        " 1,  1, 29,  29, 0.58",
        " 1,  1, 30,  30, 0.60",
        " 1,  1, 31,  31, 0.62",
        " 1,  1, 59,  59, 1.18",
        " 1,  1, 60,  60, 1.20",
        " 1,  1, 61,  61, 1.22",
    })
    void incrementsAtBoundaryDurations(int initial, int subsequent, long seconds, long rounded, String cost) {
        Rating rating = rate(flat(initial, subsequent, "1.20"), "+4930123", seconds, 0);
        assertThat(rating.roundedSeconds()).isEqualTo(rounded);
        assertThat(rating.chargedSeconds()).isEqualTo(rounded);
        assertThat(rating.cost()).isEqualByComparingTo(cost);
        assertThat(rating.cost().scale()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} at {1}/min for {2} s -> {3}")
    @CsvSource({
        // exact amount, then HALF_UP to the currency's minor units
        "EUR, 0.075,   1, 0.00",   // 0.00125
        "EUR, 0.075,  29, 0.04",   // 0.03625
        "EUR, 0.075,  31, 0.04",   // 0.03875
        "EUR, 0.075,  59, 0.07",   // 0.07375
        "EUR, 0.075,  61, 0.08",   // 0.07625
        "EUR, 0.090,  10, 0.02",   // 0.015 exactly half -> up
        "JPY, 3,      30, 2",      // 1.5 yen -> 2
        "JPY, 3,      29, 1",      // 1.45 yen -> 1
        "KWD, 0.0125, 61, 0.013",  // 0.0127083.. -> 3 decimals
    })
    void amountsRoundOnceToTheCurrencysMinorUnits(String currency, String rate, long seconds, String cost) {
        PlanVersion plan = new PlanVersion("std", 1, "Standard", currency, JAN, null, 1, 1, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, 0, BigDecimal.ZERO,
                List.of(new DestinationRate("", new BigDecimal(rate), null)));
        Rating rating = rate(plan, "+1555", seconds, 0);
        assertThat(rating.cost()).isEqualByComparingTo(cost);
        assertThat(rating.cost().scale()).isEqualTo(RatingEngine.minorUnits(currency));
    }

    @ParameterizedTest(name = "connect fee 0.10, minimum 0.50, {0}/{1}, {2} s -> {3}")
    @CsvSource({
        "60, 60,  0, 0.00",   // unanswered: no connect fee, no minimum
        "60, 60,  1, 1.30",   // 0.10 + 1.20
        "60, 60, 61, 2.50",
        " 1,  1,  1, 0.50",   // 0.10 + 0.02 below the minimum
        " 1,  1, 20, 0.50",   // 0.10 + 0.40 = minimum exactly
        " 1,  1, 21, 0.52",
    })
    void connectFeeAndMinimumCharge(int initial, int subsequent, long seconds, String cost) {
        PlanVersion plan = plan(initial, subsequent, "0.10", "0.50", 0,
                List.of(new DestinationRate("49", new BigDecimal("1.20"), null)));
        assertThat(rate(plan, "+4930123", seconds, 0).cost()).isEqualByComparingTo(cost);
    }

    @Test
    void aDestinationsOwnConnectFeeOverridesThePlans() {
        PlanVersion plan = plan(60, 60, "0.10", "0", 0, List.of(
                new DestinationRate("49", new BigDecimal("1.20"), new BigDecimal("0.35")),
                new DestinationRate("33", new BigDecimal("1.20"), null)));
        assertThat(rate(plan, "+4930", 60, 0).cost()).isEqualByComparingTo("1.55");
        assertThat(rate(plan, "+3310", 60, 0).cost()).isEqualByComparingTo("1.30");
    }

    @ParameterizedTest(name = "{0} -> prefix {1}")
    @CsvSource({
        "+447911123456, 4479, 0.30",
        "+447000123456, 447,  0.20",
        "+442071234567, 44,   0.05",
        "+15551234567,  1,    0.01",
        "447911123456,  4479, 0.30",
    })
    void longestPrefixWins(String number, String prefix, String ratePerMinute) {
        PlanVersion plan = plan(60, 60, "0", "0", 0, List.of(
                new DestinationRate("1", new BigDecimal("0.01"), null),
                new DestinationRate("44", new BigDecimal("0.05"), null),
                new DestinationRate("4479", new BigDecimal("0.30"), null),
                new DestinationRate("447", new BigDecimal("0.20"), null)));
        Tariff tariff = plan.tariffFor(number).orElseThrow();
        assertThat(tariff.prefix()).isEqualTo(prefix);
        assertThat(tariff.ratePerMinute()).isEqualByComparingTo(ratePerMinute);
    }

    @Test
    void anUnlistedDestinationHasNoTariffAndInternalCallsAreFreeByDefault() {
        PlanVersion plan = plan(60, 60, "0.10", "0.50", 10,
                List.of(new DestinationRate("44", new BigDecimal("0.05"), null)));
        assertThat(plan.tariffFor("+33123456")).isEmpty();
        Rating internal = rate(plan, PlanVersion.INTERNAL, 600, 600);
        assertThat(internal.cost()).isEqualByComparingTo("0");
        assertThat(internal.freeSeconds()).isZero(); // internal calls do not eat the free minutes
        assertThat(internal.ratePrefix()).isEqualTo("internal");

        PlanVersion pricedInternal = new PlanVersion("std", 1, "Standard", "EUR", JAN, null, 60, 60,
                new BigDecimal("0.10"), new BigDecimal("0.50"), BigDecimal.ZERO, 0, new BigDecimal("0.01"), List.of());
        assertThat(rate(pricedInternal, PlanVersion.INTERNAL, 61, 0).cost()).isEqualByComparingTo("0.02");
    }

    @ParameterizedTest(name = "{0} free s left, {1} s call -> free {2}, charged {3}, cost {4}")
    @CsvSource({
        "120,  61, 120,   0, 0.10",  // fully free: only the connect fee
        " 60,  61,  60,  60, 1.30",  // partly free (free seconds count in rounded increments)
        "  0,  61,   0, 120, 2.50",
        "600,   0,   0,   0, 0.00",
    })
    void freeMinutesCoverRoundedSeconds(long freeLeft, long seconds, long free, long charged, String cost) {
        PlanVersion plan = plan(60, 60, "0.10", "0.50", 10,
                List.of(new DestinationRate("49", new BigDecimal("1.20"), null)));
        Rating rating = rate(plan, "+4930", seconds, freeLeft);
        assertThat(rating.freeSeconds()).isEqualTo(free);
        assertThat(rating.chargedSeconds()).isEqualTo(charged);
        assertThat(rating.cost()).isEqualByComparingTo(cost);
    }

    @Test
    void freeMinutesBelongToTheMonthACallStartedInAndRenewAtTheBoundary() {
        PlanVersion plan = plan(60, 60, "0", "0", 2, List.of(new DestinationRate("49", new BigDecimal("1.20"), null)));
        UUID account = UUID.randomUUID();
        MonthlyAllowance allowance = new MonthlyAllowance();
        allowance.seed(account, Instant.parse("2026-01-10T00:00:00Z"), 60); // one free minute already used in January

        Instant lateJanuary = Instant.parse("2026-01-31T23:59:30Z"); // ends in February, counts in January
        Rating crossing = rate(plan, "+4930", 150, allowance.left(plan, account, lateJanuary));
        allowance.consume(account, lateJanuary, crossing.freeSeconds());
        assertThat(crossing.roundedSeconds()).isEqualTo(180);
        assertThat(crossing.freeSeconds()).isEqualTo(60);
        assertThat(crossing.cost()).isEqualByComparingTo("2.40");

        Instant alsoJanuary = Instant.parse("2026-01-31T23:59:59Z");
        assertThat(allowance.left(plan, account, alsoJanuary)).isZero();

        Instant february = Instant.parse("2026-02-01T00:00:00Z");
        assertThat(allowance.left(plan, account, february)).isEqualTo(120);
        Rating fresh = rate(plan, "+4930", 90, allowance.left(plan, account, february));
        assertThat(fresh.freeSeconds()).isEqualTo(120);
        assertThat(fresh.cost()).isEqualByComparingTo("0");
        assertThat(RatingEngine.monthStart(lateJanuary)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(RatingEngine.nextMonthStart(lateJanuary)).isEqualTo(february);
    }

    @Test
    void theVersionInForceAtTheCallsStartIsChosen() {
        Instant march = Instant.parse("2026-03-01T00:00:00Z");
        PlanVersion v1 = new PlanVersion("std", 1, "Standard", "EUR", JAN, march, 60, 60, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, 0, BigDecimal.ZERO, List.of(new DestinationRate("49", BigDecimal.ONE, null)));
        PlanVersion v2 = new PlanVersion("std", 2, "Standard", "EUR", march, null, 1, 1, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, 0, BigDecimal.ZERO, List.of(new DestinationRate("49", BigDecimal.TEN, null)));
        List<PlanVersion> versions = List.of(v2, v1);
        assertThat(PlanVersion.at(versions, Instant.parse("2026-02-28T23:59:59Z"))).contains(v1);
        assertThat(PlanVersion.at(versions, march)).contains(v2);
        assertThat(PlanVersion.at(versions, Instant.parse("2030-01-01T00:00:00Z"))).contains(v2);
        assertThat(PlanVersion.at(versions, Instant.parse("2025-12-31T23:59:59Z"))).isEmpty();
        assertThat(rate(v1, "+4930", 61, 0).cost()).isEqualByComparingTo("2.00");
        assertThat(rate(v2, "+4930", 61, 0).cost()).isEqualByComparingTo("10.17");
    }

    @ParameterizedTest(name = "{0}/{1} at 1.20/min with {2} available -> {3} s")
    @CsvSource({
        " 1,  1, 1.00,     50",  // 50 s cost 1.00, 51 s 1.02
        " 1,  1, 0.01,      0",  // 1 s costs 0.02
        "60, 60, 1.00,      0",  // the first minute costs 1.20
        "60, 60, 2.40,    120",
        "60, 60, 2.39,     60",
        "30,  6, 0.72,     36",
        " 1,  1, 100000, 14400", // capped
    })
    void maximumAffordableDurationMatchesTheRating(int initial, int subsequent, String available, long expected) {
        PlanVersion plan = flat(initial, subsequent, "1.20");
        Tariff tariff = plan.tariffFor("+4930").orElseThrow();
        long max = RatingEngine.maxAffordableSeconds(plan, tariff, new BigDecimal(available), 0, 14400);
        assertThat(max).isEqualTo(expected);
        if (max > 0 && max < 14400) {
            assertThat(RatingEngine.rate(plan, tariff, max, 0).cost()).isLessThanOrEqualTo(new BigDecimal(available));
            assertThat(RatingEngine.rate(plan, tariff, max + 1, 0).cost()).isGreaterThan(new BigDecimal(available));
        }
    }
}
