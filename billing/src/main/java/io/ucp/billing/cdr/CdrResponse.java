package io.ucp.billing.cdr;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A call detail record as the API shows it. {@code cost} null = not rated (yet). */
public record CdrResponse(UUID id, UUID callId, UUID accountId, UUID callerAccountId, UUID calleeAccountId,
        String callerNumber, String calleeNumber, String direction, Instant startedAt, Instant answeredAt,
        Instant endedAt, int durationSeconds, int billableSeconds, int freeSeconds, String disposition,
        String endCause, JsonNode transfer, JsonNode queue, JsonNode recordings, BigDecimal cost, String currency,
        String planCode, Integer planVersion, String ratePrefix, BigDecimal ratePerMinute, int ratingVersion,
        Instant ratedAt) {

    public record Page(List<CdrResponse> items, String nextCursor) {
    }
}
