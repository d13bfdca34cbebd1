package io.ucp.identity.platform.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports whether the broker the outbox publishes to answers, without ever making the service unready: while Kafka is
 * away requests still succeed and their events wait in the outbox, so taking the API out of its load balancer would
 * turn a delay into an outage. The check stays UP and says {@code degraded: true} (and gauge
 * {@code ucp_kafka_degraded} is 1) until a broker answers again. Asks asynchronously, never blocking the caller.
 */
@Readiness
@ApplicationScoped
public class KafkaHealthCheck implements AsyncHealthCheck {

    private static final String NAME = "Kafka";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private final String bootstrapServers;
    private volatile Admin admin;
    private volatile boolean degraded;

    public KafkaHealthCheck(@ConfigProperty(name = "ucp.outbox.bootstrap-servers") String bootstrapServers,
            MeterRegistry metrics) {
        this.bootstrapServers = bootstrapServers;
        Gauge.builder("ucp_kafka_degraded", this, check -> check.degraded ? 1 : 0)
                .description("1 while the Kafka broker the outbox publishes to does not answer (events are delayed)")
                .register(metrics);
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom()
                .completionStage(() -> admin().describeCluster(new DescribeClusterOptions()
                        .timeoutMs((int) TIMEOUT.toMillis())).nodes().toCompletionStage())
                .map(nodes -> report(nodes.isEmpty(), nodes.size(), null))
                .ifNoItem().after(TIMEOUT.plusSeconds(1)).fail()
                .onFailure().recoverWithItem(e -> report(true, 0, e.getClass().getSimpleName()));
    }

    /** Whether the last look found the broker away; false before the first look. */
    public boolean degraded() {
        return degraded;
    }

    private HealthCheckResponse report(boolean away, int brokers, String error) {
        degraded = away;
        var response = HealthCheckResponse.named(NAME).up().withData("degraded", away).withData("brokers", brokers);
        if (away) {
            response.withData("impact", "events are delayed in the outbox; requests are unaffected");
        }
        if (error != null) {
            response.withData("error", error);
        }
        return response.build();
    }

    private Admin admin() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(Map.of(
                            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                            AdminClientConfig.CLIENT_ID_CONFIG, "readiness",
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
                }
                current = admin;
            }
        }
        return current;
    }

    void onStop(@Observes ShutdownEvent event) {
        Admin current = admin;
        if (current != null) {
            current.close(Duration.ofSeconds(2));
        }
    }
}
