package io.ucp.billing.rating;

import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A per-minute price for numbers starting with {@code prefix} (E.164 digits without '+'); a null connect fee
 * means the plan's. */
public record DestinationRate(String prefix,
        @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal ratePerMinute,
        @Schema(type = SchemaType.NUMBER, format = "decimal", nullable = true,
                description = "null = the plan's connect fee") BigDecimal connectFee) {
}
