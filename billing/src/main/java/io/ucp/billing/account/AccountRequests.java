package io.ucp.billing.account;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the account billing API. */
public final class AccountRequests {

    private AccountRequests() {
    }

    /** Fields left null are unchanged. */
    public record Settings(
            @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$") String planCode,
            @Pattern(regexp = "^(prepaid|postpaid)$") @Schema(enumeration = {"prepaid", "postpaid"}) String mode,
            @DecimalMin("0") @Digits(integer = 15, fraction = 4)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal creditLimit,
            @DecimalMin("0") @Digits(integer = 15, fraction = 4)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal lowBalanceThreshold) {
    }

    public record TopUp(
            @NotNull @DecimalMin(value = "0", inclusive = false) @Digits(integer = 15, fraction = 4)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal amount,
            @Size(max = 200) String reference) {
    }

    /** A signed correction (adjustment) or a credit back to the customer (refund, positive). */
    public record Adjustment(
            @NotNull @Pattern(regexp = "^(adjustment|refund)$") @Schema(enumeration = {"adjustment", "refund"})
            String type,
            @NotNull @Digits(integer = 15, fraction = 4)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal amount,
            @NotBlank @Size(max = 500) String reason,
            @Size(max = 200) String reference) {
    }
}
