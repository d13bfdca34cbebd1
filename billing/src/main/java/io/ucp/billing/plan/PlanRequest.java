package io.ucp.billing.plan;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A plan version as an admin submits it. {@code code} is required to create a plan and must be absent or equal to
 * the path when adding a version. Rates and fees have at most 6 decimals, charges at most 4.
 */
public record PlanRequest(
        @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$") String code,
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Pattern(regexp = "^[A-Z]{3}$") String currency,
        OffsetDateTime effectiveFrom,
        @Min(1) @Max(3600) Integer initialIncrementSeconds,
        @Min(1) @Max(3600) Integer subsequentIncrementSeconds,
        @DecimalMin("0") @Digits(integer = 14, fraction = 6)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal connectFee,
        @DecimalMin("0") @Digits(integer = 16, fraction = 4)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal minimumCharge,
        @DecimalMin("0") @Digits(integer = 16, fraction = 4)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal monthlyFee,
        @Min(0) @Max(1_000_000) Integer includedFreeMinutes,
        @DecimalMin("0") @Digits(integer = 14, fraction = 6)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal internalRatePerMinute,
        @Size(max = 5000) List<@Valid @NotNull Rate> destinationRates) {

    /** One destination: E.164 digits without '+' (1-15 of them). */
    public record Rate(
            @NotNull @Pattern(regexp = "^[0-9]{1,15}$") String prefix,
            @NotNull @DecimalMin("0") @Digits(integer = 14, fraction = 6)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal ratePerMinute,
            @DecimalMin("0") @Digits(integer = 14, fraction = 6)
            @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal connectFee) {
    }
}
