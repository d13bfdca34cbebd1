package io.ucp.presence.subscription;

import jakarta.validation.constraints.NotNull;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public final class SubscriptionApi {

    private SubscriptionApi() {
    }

    public record RequestSubscription(@NotNull UUID targetAccountId) {
    }

    public record Block(@NotNull UUID accountId) {
    }

    public record SubscriptionView(UUID id, UUID watcherAccountId, UUID targetAccountId,
            @Schema(enumeration = {"pending", "approved", "denied", "cancelled", "blocked"}) String state,
            OffsetDateTime requestedAt,
            // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "null while pending") OffsetDateTime decidedAt) {
    }

    public record SubscriptionPage(List<SubscriptionView> items,
            @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }
}
