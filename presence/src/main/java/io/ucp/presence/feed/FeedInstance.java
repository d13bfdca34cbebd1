package io.ucp.presence.feed;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This instance's identity for fan-out: each instance consumes presence.events, message.events and identity.events
 * in its own consumer group (name + random id made at start), so every instance sees every event and delivers it
 * to the feeds it holds. Live fan-out starts at the end of the topics: a new instance's clients get a snapshot.
 */
@ApplicationScoped
public class FeedInstance {

    private final String id;
    private final String application;

    public FeedInstance(@ConfigProperty(name = "ucp.feed.instance-id") java.util.Optional<String> configured,
            @ConfigProperty(name = "quarkus.application.name") String application) {
        this.id = configured.filter(s -> !s.isBlank()).orElseGet(() -> UUID.randomUUID().toString());
        this.application = application;
    }

    public String id() {
        return id;
    }

    private Map<String, Object> group(String feed) {
        return Map.of("group.id", application + "-feed-" + feed + "-" + id, "auto.offset.reset", "latest",
                "enable.auto.commit", "false");
    }

    @Produces
    @Identifier("feed-presence-kafka")
    Map<String, Object> presenceConsumer() {
        return group("presence");
    }

    @Produces
    @Identifier("feed-messages-kafka")
    Map<String, Object> messagesConsumer() {
        return group("messages");
    }

    @Produces
    @Identifier("feed-identity-kafka")
    Map<String, Object> identityConsumer() {
        return group("identity");
    }
}
