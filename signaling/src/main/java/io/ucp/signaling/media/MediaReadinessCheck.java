package io.ucp.signaling.media;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while rtpengine answers an ng ping (when media is enabled; otherwise always up, saying so). */
@Readiness
@ApplicationScoped
public class MediaReadinessCheck implements AsyncHealthCheck {

    private static final String NAME = "Media relay (rtpengine)";
    private final MediaRelay relay;
    private final MediaConfig config;

    public MediaReadinessCheck(MediaRelay relay, MediaConfig config) {
        this.relay = relay;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!config.enabled()) {
            return Uni.createFrom().item(HealthCheckResponse.named(NAME).up().withData("enabled", false).build());
        }
        String address = config.ngHost() + ":" + config.ngPort();
        return relay.ping().map(pong -> HealthCheckResponse.named(NAME).status(pong).withData("ng", address).build());
    }
}
