package io.ucp.presence.subscription;

import jakarta.validation.constraints.NotNull;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

public final class SubscriptionApi {

    private SubscriptionApi() {
    }

    public record RequestSubscription(@NotNull UUID targetAccountId) {
    }

    public record Block(@NotNull UUID accountId) {
    }

    public record SubscriptionView(UUID id, UUID watcherAccountId, UUID targetAccountId, String state,
            OffsetDateTime requestedAt, OffsetDateTime decidedAt) {
    }

    public record SubscriptionPage(List<SubscriptionView> items, String nextCursor) {
    }
}
