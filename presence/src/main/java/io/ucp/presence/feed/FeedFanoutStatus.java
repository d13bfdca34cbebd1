package io.ucp.presence.feed;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Whether this instance's fan-out is live. Ready only once the fan-out consumers own their partitions: fan-out starts at the live end of the topics, so an
 * instance taking feeds before that would silently miss the first events.
 */
@ApplicationScoped
public class FeedFanoutStatus {

    static final List<String> CHANNELS = List.of("feed-presence", "feed-messages", "feed-identity");

    private final KafkaClientService kafka;

    public FeedFanoutStatus(KafkaClientService kafka) {
        this.kafka = kafka;
    }

    /** True when every fan-out channel has partitions assigned. */
    public Uni<Boolean> assigned() {
        return assigned(CHANNELS);
    }

    /** True when every one of these consumer channels has partitions assigned. */
    public Uni<Boolean> assigned(List<String> channels) {
        Uni<Boolean> all = Uni.createFrom().item(true);
        for (String channel : channels) {
            all = all.chain(ok -> {
                if (!ok) {
                    return Uni.createFrom().item(false);
                }
                KafkaConsumer<Object, Object> consumer = kafka.getConsumer(channel);
                return consumer == null ? Uni.createFrom().item(false)
                        : consumer.getAssignments().map(partitions -> !partitions.isEmpty());
            });
        }
        return all.onFailure().recoverWithItem(false);
    }
}
