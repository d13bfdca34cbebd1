package io.ucp.billing.account;

import io.vertx.mutiny.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** One account_billing row (without its ledger). */
public record AccountRow(UUID accountId, String planCode, String mode, String currency, BigDecimal balance,
        BigDecimal creditLimit, BigDecimal lowBalanceThreshold, String balanceState, long version, Instant updatedAt) {

    public static final String COLUMNS = "account_id, plan_code, mode, currency, balance, credit_limit, "
            + "low_balance_threshold, balance_state, version, updated_at";

    public static AccountRow of(Row r) {
        return new AccountRow(r.getUUID("account_id"), r.getString("plan_code"), r.getString("mode"),
                r.getString("currency"), r.getBigDecimal("balance"), r.getBigDecimal("credit_limit"),
                r.getBigDecimal("low_balance_threshold"), r.getString("balance_state"), r.getLong("version"),
                r.getOffsetDateTime("updated_at").toInstant());
    }

    public BigDecimal available() {
        return BalanceState.available(mode, balance, creditLimit);
    }
}
