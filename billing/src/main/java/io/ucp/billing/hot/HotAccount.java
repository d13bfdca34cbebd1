package io.ucp.billing.hot;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** What call authorization needs of an account, cached in Redis. {@code freeSecondsUsed} is for {@code month}. */
public record HotAccount(UUID accountId, String planCode, String mode, String currency, BigDecimal balance,
        BigDecimal creditLimit, String balanceState, Instant month, long freeSecondsUsed) {

    /** What may still be spent: the balance (prepaid) or the balance plus the credit limit (postpaid). */
    public BigDecimal available() {
        return "postpaid".equals(mode) ? balance.add(creditLimit) : balance;
    }
}
