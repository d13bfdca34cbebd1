package io.ucp.identity.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.platform.events.IncomingEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Mirrors presence.changed into user_profiles.presence_status (routing rules read it). The event is a snapshot
 * with a version, so one guarded UPDATE is both the stale-drop and the idempotency: an older or redelivered event
 * (version not newer than the stored one) changes nothing. No processed_events claim is needed, which keeps the
 * consumer at one statement per record — presence is the busiest topic identity reads.
 */
@ApplicationScoped
public class PresenceListener {

    private static final Set<String> STATES = Set.of("available", "away", "busy", "dnd", "appear-offline", "on-call",
            "offline");

    private final Pool pool;
    private final ObjectMapper mapper;

    public PresenceListener(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    @Incoming("presence-events")
    public Uni<Void> onPresenceEvent(String record) {
        IncomingEvent event;
        try {
            event = IncomingEvent.parse(mapper, record);
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping an unreadable presence event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (!"presence.changed".equals(event.type())) {
            return Uni.createFrom().voidItem();
        }
        JsonNode data = event.data();
        UUID account;
        String state = data.path("state").asText("");
        long version = data.path("version").asLong(-1);
        try {
            account = UUID.fromString(data.path("accountId").asText(""));
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping presence event %s: no accountId", event.id());
            return Uni.createFrom().voidItem();
        }
        if (!STATES.contains(state) || version < 0) {
            Log.warnf("Skipping presence event %s: state '%s' or version %d not understood", event.id(), state, version);
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime at = event.time() == null ? OffsetDateTime.now() : event.time();
        return pool.preparedQuery("UPDATE user_profiles SET presence_status = $2, presence_version = $3, "
                        + "presence_updated_at = $4 WHERE account_id = $1 AND presence_version < $3")
                .execute(Tuple.of(account, state, version, at))
                .replaceWithVoid()
                // PostgreSQL briefly away: retry, then log and move on rather than stop the channel.
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .onFailure().invoke(e -> Log.errorf(e, "Presence event %s not applied", event.id()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
