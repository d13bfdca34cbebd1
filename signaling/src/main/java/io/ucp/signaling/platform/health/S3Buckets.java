package io.ucp.signaling.platform.health;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Creates this service's buckets at start-up when missing, so a fresh object store needs no manual step. */
@ApplicationScoped
public class S3Buckets {

    private final S3AsyncClient s3;
    private final List<String> buckets;

    public S3Buckets(S3AsyncClient s3, @ConfigProperty(name = "ucp.s3.buckets") List<String> buckets) {
        this.s3 = s3;
        this.buckets = buckets;
    }

    void onStart(@Observes StartupEvent event) {
        for (String bucket : buckets) {
            ensure(bucket).subscribe().with(
                    created -> {
                        if (created) {
                            Log.infof("Created bucket %s", bucket);
                        }
                    },
                    failure -> Log.warnf("Bucket %s could not be checked (%s); readiness reports it",
                            bucket, failure.getMessage()));
        }
    }

    Uni<Boolean> ensure(String bucket) {
        return Uni.createFrom().completionStage(() -> s3.headBucket(b -> b.bucket(bucket))).replaceWith(false)
                .onFailure(e -> e instanceof NoSuchBucketException
                        || (e instanceof S3Exception s3e && s3e.statusCode() == 404))
                .recoverWithUni(() -> Uni.createFrom().completionStage(() -> s3.createBucket(b -> b.bucket(bucket)))
                        .replaceWith(true));
    }
}
