package io.ucp.billing.plan;

import io.ucp.billing.rating.DestinationRate;
import io.ucp.billing.rating.PlanVersion;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A plan version as the API shows it; {@code inUse} = already rated calls or in force, hence immutable. */
public record PlanResponse(String code, int version, String name, String currency, Instant effectiveFrom,
        // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
        @Schema(implementation = String.class, format = "date-time", nullable = true,
                description = "null while no later version follows") Instant effectiveTo,
        int initialIncrementSeconds, int subsequentIncrementSeconds,
        @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal connectFee,
        @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal minimumCharge,
        @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal monthlyFee, int includedFreeMinutes,
        @Schema(type = SchemaType.NUMBER, format = "decimal") BigDecimal internalRatePerMinute,
        List<DestinationRate> destinationRates, boolean inUse) {

    static PlanResponse of(PlanVersion p, boolean inUse) {
        return new PlanResponse(p.code(), p.version(), p.name(), p.currency(), p.effectiveFrom(), p.effectiveTo(),
                p.initialIncrementSeconds(), p.subsequentIncrementSeconds(), p.connectFee(), p.minimumCharge(),
                p.monthlyFee(), p.includedFreeMinutes(), p.internalRatePerMinute(), p.destinationRates(), inUse);
    }

    /** All versions of one code, oldest first. */
    public record History(String code, List<PlanResponse> versions) {
    }

    @Schema(name = "PlanPage")
    public record Page(List<PlanResponse> items,
            @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }
}
