package io.ucp.billing.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Response bodies of the account billing API. */
public final class AccountResponses {

    private AccountResponses() {
    }

    /** Amounts are stored at 4 decimals and shown at the currency's minor units (they never hold more). */
    static BigDecimal shown(BigDecimal amount, String currency) {
        return amount == null ? null : io.ucp.billing.rating.RatingEngine.toMinorUnits(amount, currency);
    }

    public record Billing(UUID accountId, String planCode, String mode, String currency, BigDecimal balance,
            BigDecimal creditLimit, BigDecimal available, BigDecimal lowBalanceThreshold, String balanceState,
            Instant updatedAt) {

        static Billing of(AccountRow a) {
            String c = a.currency();
            return new Billing(a.accountId(), a.planCode(), a.mode(), c, shown(a.balance(), c),
                    shown(a.creditLimit(), c), shown(a.available(), c), shown(a.lowBalanceThreshold(), c),
                    a.balanceState(), a.updatedAt());
        }
    }

    /**
     * One ledger line: charge (a rated CDR, negative), adjustment (admin correction, or re-rating of a CDR: then
     * cdrId/callId are set), top-up, refund, monthly-fee.
     */
    public record LedgerEntry(String id, Instant at, String type, BigDecimal amount, String currency, UUID cdrId,
            UUID callId, String reason, String reference) {
    }

    public record LedgerPage(UUID accountId, String currency, BigDecimal balance, List<LedgerEntry> items,
            String nextCursor) {
    }

    /** The result of a top-up, adjustment or refund. */
    public record Posted(LedgerEntry entry, BigDecimal balance, String balanceState) {
    }
}
