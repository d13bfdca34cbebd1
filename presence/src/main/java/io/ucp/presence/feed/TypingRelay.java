package io.ucp.presence.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Typing indicators are ephemeral: not stored, not in the outbox. They cross instances on a Redis pub/sub
 * channel (fire and forget, like the indicator itself: losing one is harmless, the next keystroke sends another).
 * The sender's instance resolves the participants once, so receivers need no lookup.
 */
@ApplicationScoped
public class TypingRelay {

    private final ReactivePubSubCommands<String> pubsub;
    private final ObjectMapper mapper;
    private final FeedHub hub;
    private final String channel;

    public TypingRelay(ReactiveRedisDataSource redis, ObjectMapper mapper, FeedHub hub,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix,
            @ConfigProperty(name = "ucp.topics.suffix") java.util.Optional<String> suffix) {
        this.pubsub = redis.pubsub(String.class);
        this.mapper = mapper;
        this.hub = hub;
        // Pub/sub ignores the Redis db number: the suffix keeps test and dev instances apart.
        this.channel = prefix + "typing" + suffix.orElse("");
    }

    void subscribe(@Observes StartupEvent start) {
        pubsub.subscribe(channel, this::onMessage)
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(s -> Log.debugf("Typing relay listening on %s", channel),
                        e -> Log.errorf(e, "Typing relay not subscribed"));
    }

    Uni<Void> publish(UUID conversation, UUID account, boolean typing, List<UUID> participants) {
        ObjectNode message = mapper.createObjectNode().put("conversationId", conversation.toString())
                .put("accountId", account.toString()).put("typing", typing);
        message.putPOJO("participantIds", participants);
        return pubsub.publish(channel, message.toString());
    }

    private void onMessage(String json) {
        try {
            JsonNode message = mapper.readTree(json);
            String sender = message.path("accountId").asText();
            List<UUID> recipients = new ArrayList<>();
            for (JsonNode id : message.path("participantIds")) {
                if (!id.asText().equals(sender)) {
                    recipients.add(UUID.fromString(id.asText()));
                }
            }
            ObjectNode data = mapper.createObjectNode().put("conversationId", message.path("conversationId").asText())
                    .put("accountId", sender).put("typing", message.path("typing").asBoolean());
            hub.deliverToAccounts(recipients, "typing", data);
        } catch (Exception e) {
            Log.warnf("Skipping an unreadable typing message: %s", e.getMessage());
        }
    }
}
