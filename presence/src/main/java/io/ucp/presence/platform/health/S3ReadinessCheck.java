package io.ucp.presence.platform.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Ready only while the object store answers for every bucket this service writes to. */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements AsyncHealthCheck {

    private static final String NAME = "S3";
    private final S3AsyncClient s3;
    private final List<String> buckets;

    public S3ReadinessCheck(S3AsyncClient s3, @ConfigProperty(name = "ucp.s3.buckets") List<String> buckets) {
        this.s3 = s3;
        this.buckets = buckets;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        List<Uni<String>> probes = buckets.stream()
                .map(bucket -> Uni.createFrom().completionStage(() -> s3.headBucket(b -> b.bucket(bucket)))
                        .replaceWith(bucket))
                .toList();
        return Uni.join().all(probes).andFailFast()
                .map(found -> HealthCheckResponse.named(NAME).up().withData("buckets", String.join(",", found)).build())
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                        .withData("error", e.getClass().getSimpleName()).build());
    }
}
