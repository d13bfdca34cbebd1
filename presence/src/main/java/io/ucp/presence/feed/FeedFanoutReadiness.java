package io.ucp.presence.feed;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the feed fan-out consumers own their partitions (see {@link FeedFanoutStatus}). */
@Readiness
@ApplicationScoped
public class FeedFanoutReadiness implements AsyncHealthCheck {

    private final FeedFanoutStatus status;

    public FeedFanoutReadiness(FeedFanoutStatus status) {
        this.status = status;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return status.assigned().map(ok -> HealthCheckResponse.named("feed-fanout").status(ok).build());
    }
}
