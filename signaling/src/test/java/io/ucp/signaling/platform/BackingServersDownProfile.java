package io.ucp.signaling.platform;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Points Redis, Kafka and rtpengine at a closed loopback port, as if these servers were stopped. */
public class BackingServersDownProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.redis.hosts", "redis://127.0.0.1:1",
                "kafka.bootstrap.servers", "127.0.0.1:1",
                "ucp.signaling.media.ng-port", "1",
                "ucp.outbox.metadata-timeout", "1s");
    }
}
