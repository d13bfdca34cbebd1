package io.ucp.billing.rating;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Free seconds used per account and UTC calendar month, seeded from stored CDRs and advanced as a batch rates calls
 * in start-time order. A call belongs to the month it started in, even when it ends in the next one.
 */
public final class MonthlyAllowance {

    private final Map<Key, Long> used = new HashMap<>();

    private record Key(UUID account, Instant month) {
    }

    /** Records what stored CDRs already used in the month holding {@code monthStart}. */
    public void seed(UUID account, Instant monthStart, long seconds) {
        used.merge(new Key(account, RatingEngine.monthStart(monthStart)), seconds, Long::sum);
    }

    public long used(UUID account, Instant callStart) {
        return used.getOrDefault(new Key(account, RatingEngine.monthStart(callStart)), 0L);
    }

    public long left(PlanVersion plan, UUID account, Instant callStart) {
        return RatingEngine.freeSecondsLeft(plan, used(account, callStart));
    }

    public void consume(UUID account, Instant callStart, long seconds) {
        if (seconds > 0) {
            used.merge(new Key(account, RatingEngine.monthStart(callStart)), seconds, Long::sum);
        }
    }
}
