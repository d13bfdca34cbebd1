package io.ucp.billing.account;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The announced state of a balance: {@code exhausted} when nothing is left to spend (prepaid balance, or postpaid
 * balance + credit limit, at or below 0), {@code low} at or below the threshold (when one is set), else {@code ok}.
 * Events go out once per crossing into a worse state; recovering (top-up) just resets the state.
 */
public final class BalanceState {

    public static final String OK = "ok";
    public static final String LOW = "low";
    public static final String EXHAUSTED = "exhausted";

    private BalanceState() {
    }

    public static BigDecimal available(String mode, BigDecimal balance, BigDecimal creditLimit) {
        return "postpaid".equals(mode) ? balance.add(creditLimit) : balance;
    }

    public static String of(String mode, BigDecimal balance, BigDecimal creditLimit, BigDecimal threshold) {
        BigDecimal available = available(mode, balance, creditLimit);
        if (available.signum() <= 0) {
            return EXHAUSTED;
        }
        if (threshold.signum() > 0 && available.compareTo(threshold) <= 0) {
            return LOW;
        }
        return OK;
    }

    /** Event types to emit moving from {@code from} to {@code to}: balance.low and/or balance.exhausted. */
    public static List<String> crossings(String from, String to) {
        List<String> events = new ArrayList<>(1);
        if (LOW.equals(to) && OK.equals(from)) {
            events.add("balance.low");
        }
        if (EXHAUSTED.equals(to) && !EXHAUSTED.equals(from)) {
            events.add("balance.exhausted");
        }
        return events;
    }
}
