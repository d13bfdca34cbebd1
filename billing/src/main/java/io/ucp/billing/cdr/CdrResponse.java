package io.ucp.billing.cdr;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A call detail record as the API shows it. {@code cost} null = not rated (yet). */
public record CdrResponse(UUID id, UUID callId, @Schema(description = "The paying account") UUID accountId,
        // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
        @Schema(implementation = String.class, format = "uuid", nullable = true,
                description = "null when the caller is a number, not an account") UUID callerAccountId,
        @Schema(implementation = String.class, format = "uuid", nullable = true,
                description = "null when the callee is a number, not an account") UUID calleeAccountId,
        @Schema(nullable = true) String callerNumber, @Schema(nullable = true) String calleeNumber,
        @Schema(enumeration = {"internal", "inbound", "outbound"}) String direction, Instant startedAt,
        @Schema(implementation = String.class, format = "date-time", nullable = true,
                description = "null unless the call was answered") Instant answeredAt,
        Instant endedAt, int durationSeconds, int billableSeconds, int freeSeconds,
        @Schema(enumeration = {"answered", "no-answer", "busy", "failed", "cancelled", "insufficient-funds"})
        String disposition,
        @Schema(nullable = true, enumeration = {"normal", "busy", "no-answer", "rejected", "cancelled", "failed",
                "insufficient-funds", "timeout"}) String endCause,
        @Schema(type = SchemaType.OBJECT, implementation = java.util.Map.class, nullable = true,
                description = "The transfer as signaling reported it; null if none")
        JsonNode transfer,
        @Schema(type = SchemaType.OBJECT, implementation = java.util.Map.class, nullable = true,
                description = "{queueId} for a queue call; null otherwise")
        JsonNode queue,
        @Schema(type = SchemaType.ARRAY, implementation = Recording.class, description = "The call's recordings")
        JsonNode recordings,
        @Schema(type = SchemaType.NUMBER, format = "decimal", nullable = true,
                description = "null = not rated (yet); else at the currency's minor units") BigDecimal cost,
        @Schema(nullable = true, description = "null until rated") String currency,
        @Schema(nullable = true) String planCode, @Schema(nullable = true) Integer planVersion,
        @Schema(nullable = true) String ratePrefix,
        @Schema(type = SchemaType.NUMBER, format = "decimal", nullable = true) BigDecimal ratePerMinute,
        int ratingVersion,
        @Schema(implementation = String.class, format = "date-time", nullable = true,
                description = "null until rated") Instant ratedAt) {

    /** One recording as signaling reported it, for the API document. */
    @Schema(name = "CdrRecording", type = SchemaType.OBJECT, description = "A recording as signaling reported it")
    interface Recording {
    }

    @Schema(name = "CdrPage")
    public record Page(List<CdrResponse> items,
            @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }
}
