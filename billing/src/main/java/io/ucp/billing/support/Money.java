package io.ucp.billing.support;

import io.ucp.billing.platform.problem.ProblemException;
import java.math.BigDecimal;
import java.util.Currency;

/** Checks on amounts and currencies coming in through the API. */
public final class Money {

    private Money() {
    }

    /** An ISO 4217 currency whose minor units fit the numeric(20,4) amount columns. */
    public static String currency(String field, String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            throw ProblemException.badRequest(field, "must be an ISO 4217 code such as EUR");
        }
        try {
            Currency currency = Currency.getInstance(code);
            if (currency.getDefaultFractionDigits() < 0 || currency.getDefaultFractionDigits() > 4) {
                throw ProblemException.badRequest(field, "is not a currency with minor units");
            }
            return code;
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(field, "is not an ISO 4217 currency");
        }
    }

    /** An amount with no more decimals than the currency has minor units (no silent rounding of money). */
    public static BigDecimal amount(String field, BigDecimal amount, String currency) {
        if (amount == null) {
            throw ProblemException.badRequest(field, "must not be null");
        }
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        BigDecimal stripped = amount.stripTrailingZeros();
        if (stripped.scale() > digits) {
            throw ProblemException.badRequest(field, "has more decimals than " + currency + " allows (" + digits + ")");
        }
        if (stripped.precision() - stripped.scale() > 15) {
            throw ProblemException.badRequest(field, "is too large");
        }
        return amount.setScale(digits);
    }
}
