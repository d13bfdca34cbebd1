package io.ucp.presence.platform.events;

import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Static group membership: with {@code ucp.kafka.instance-id} set (the pod name in Kubernetes, the service name in
 * the local stack), every consumer joins its group as {@code <instance-id>-<channel>}. A process killed and started
 * again under the same id takes its partitions back at once instead of waiting for the broker to evict the dead
 * member (the session timeout), which kept a restarted billing from rating calls for up to 45 s. Without an id (two
 * instances on one host in tests) consumers join dynamically, bounded by the shorter session timeout configured for
 * the connector.
 */
@ApplicationScoped
public class StableConsumerIdentity implements ClientCustomizer<Map<String, Object>> {

    private final Optional<String> instanceId;

    public StableConsumerIdentity(@ConfigProperty(name = "ucp.kafka.instance-id") Optional<String> instanceId) {
        this.instanceId = instanceId.map(String::strip).filter(id -> !id.isEmpty());
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        // Producers share this hook; only consumers (they carry a group id) have a group membership.
        if (instanceId.isPresent() && config.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId.get() + "-" + channel);
        }
        return config;
    }
}
