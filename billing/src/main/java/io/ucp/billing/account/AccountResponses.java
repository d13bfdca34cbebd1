package io.ucp.billing.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Response bodies of the account billing API. */
public final class AccountResponses {

    private AccountResponses() {
    }

    /** Amounts are stored at 4 decimals and shown at the currency's minor units (they never hold more). */
    static BigDecimal shown(BigDecimal amount, String currency) {
        return amount == null ? null : io.ucp.billing.rating.RatingEngine.toMinorUnits(amount, currency);
    }

    /** Money as the service writes it: an exact JSON decimal at the currency's minor units (never a float). */
    static final String DECIMAL = "decimal";

    public record Billing(UUID accountId,
            @Schema(nullable = true, description = "null while no plan is assigned") String planCode,
            @Schema(enumeration = {"prepaid", "postpaid"}) String mode, String currency,
            @Schema(type = SchemaType.NUMBER, format = DECIMAL) BigDecimal balance,
            @Schema(type = SchemaType.NUMBER, format = DECIMAL) BigDecimal creditLimit,
            @Schema(type = SchemaType.NUMBER, format = DECIMAL,
                    description = "What calls may spend: balance, plus the credit limit when postpaid")
            BigDecimal available,
            @Schema(type = SchemaType.NUMBER, format = DECIMAL) BigDecimal lowBalanceThreshold,
            @Schema(enumeration = {"ok", "low", "exhausted"}) String balanceState,
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
    public record LedgerEntry(String id, Instant at,
            @Schema(enumeration = {"charge", "adjustment", "top-up", "refund", "monthly-fee"}) String type,
            @Schema(type = SchemaType.NUMBER, format = DECIMAL, description = "Signed: negative debits the balance")
            BigDecimal amount,
            String currency,
            // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
            @Schema(implementation = String.class, format = "uuid", nullable = true,
                    description = "The CDR of a charge or a re-rating adjustment; null otherwise") UUID cdrId,
            @Schema(implementation = String.class, format = "uuid", nullable = true,
                    description = "The call of a charge or a re-rating adjustment; null otherwise") UUID callId,
            @Schema(nullable = true) String reason,
            @Schema(nullable = true) String reference) {
    }

    public record LedgerPage(UUID accountId, String currency,
            @Schema(type = SchemaType.NUMBER, format = DECIMAL) BigDecimal balance, List<LedgerEntry> items,
            @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }

    /** The result of a top-up, adjustment or refund. */
    public record Posted(LedgerEntry entry, @Schema(type = SchemaType.NUMBER, format = DECIMAL) BigDecimal balance,
            @Schema(enumeration = {"ok", "low", "exhausted"}) String balanceState) {
    }
}
