package io.ucp.presence.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.platform.events.IncomingEvent;
import io.ucp.presence.presence.HotPresence;
import io.ucp.presence.presence.PresenceApi.PresenceView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Delivers events to the feeds this instance holds. Per-user (presence) and per-conversation (messages) order is
 * Kafka's partition order by key; presence frames never go backwards (per-session version check). An unreadable
 * record is logged and skipped, never allowed to stop the channel.
 */
@ApplicationScoped
public class FeedFanout {

    private final FeedHub hub;
    private final HotPresence hot;
    private final ObjectMapper mapper;

    public FeedFanout(FeedHub hub, HotPresence hot, ObjectMapper mapper) {
        this.hub = hub;
        this.hot = hot;
        this.mapper = mapper;
    }

    @Incoming("feed-presence")
    public Uni<Void> onPresenceEvent(String record) {
        IncomingEvent event = parse(record);
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        try {
            JsonNode data = event.data();
            switch (event.type()) {
                case "presence.changed" -> hub.presenceChanged(mapper.treeToValue(data, PresenceView.class));
                case "subscription.changed" -> {
                    return subscriptionChanged(data);
                }
                default -> {
                }
            }
        } catch (Exception e) {
            Log.warnf("Skipping presence event %s: %s", event.id(), e.getMessage());
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> subscriptionChanged(JsonNode data) {
        UUID watcher = UUID.fromString(data.path("watcherAccountId").asText());
        UUID target = UUID.fromString(data.path("targetAccountId").asText());
        boolean approved = "approved".equals(data.path("state").asText());
        List<FeedSession> sessions = hub.sessionsOf(watcher);
        hub.deliverToAccounts(List.of(watcher, target), "subscription", data);
        if (sessions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (!approved) {
            sessions.forEach(s -> hub.unwatch(s, target));
            return Uni.createFrom().voidItem();
        }
        sessions.forEach(s -> hub.watch(s, target));
        // The newly visible user's current presence, so the watcher need not wait for a change.
        return hot.get(List.of(target)).invoke(views -> hub.presenceChanged(views.get(0)))
                .onFailure().invoke(e -> Log.warnf("Presence of %s not sent: %s", target, e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    @Incoming("feed-messages")
    public Uni<Void> onMessageEvent(String record) {
        IncomingEvent event = parse(record);
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        try {
            List<UUID> participants = new ArrayList<>();
            for (JsonNode id : event.data().path("participantIds")) {
                participants.add(UUID.fromString(id.asText()));
            }
            com.fasterxml.jackson.databind.node.ObjectNode data = event.data().deepCopy();
            data.remove("participantIds");
            switch (event.type()) {
                case "message.created", "message.edited", "message.deleted", "read.updated", "conversation.updated" ->
                    hub.deliverToAccounts(participants, event.type(), data);
                default -> {
                }
            }
        } catch (Exception e) {
            Log.warnf("Skipping message event %s: %s", event.id(), e.getMessage());
        }
        return Uni.createFrom().voidItem();
    }

    @Incoming("feed-identity")
    public Uni<Void> onIdentityEvent(String record) {
        IncomingEvent event = parse(record);
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        try {
            switch (event.type()) {
                case "session.revoked" -> hub.revoke(event.data().path("sessionId").asText(), null);
                case "account.suspended", "account.deleted" ->
                    hub.revoke(null, UUID.fromString(event.data().path("accountId").asText()));
                default -> {
                }
            }
        } catch (Exception e) {
            Log.warnf("Skipping identity event %s: %s", event.id(), e.getMessage());
        }
        return Uni.createFrom().voidItem();
    }

    private IncomingEvent parse(String record) {
        try {
            return IncomingEvent.parse(mapper, record);
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping an unreadable event: %s", e.getMessage());
            return null;
        }
    }
}
