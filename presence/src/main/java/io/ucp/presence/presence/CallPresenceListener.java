package io.ucp.presence.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.platform.events.IncomingEvent;
import io.ucp.presence.platform.events.ProcessedEvents;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * On-a-call from signaling's call.events. Each event carries the whole call; from it we derive who is on the call
 * now (caller and user callee once answered, plus every answered leg not yet ended) and make presence_status's
 * active_call_ids agree: the call is added for them and removed for everyone else; call.ended removes it
 * everywhere. Being a set per user, a replay is harmless and two calls at once work; the claim in
 * processed_events makes each event apply once, in the same transaction as the change.
 */
@ApplicationScoped
public class CallPresenceListener {

    static final String CONSUMER = "presence-call-events";

    private final Pool pool;
    private final ProcessedEvents processed;
    private final PresenceService presence;
    private final ObjectMapper mapper;

    public CallPresenceListener(Pool pool, ProcessedEvents processed, PresenceService presence, ObjectMapper mapper) {
        this.pool = pool;
        this.processed = processed;
        this.presence = presence;
        this.mapper = mapper;
    }

    @Incoming("call-events")
    public Uni<Void> onCallEvent(String record) {
        IncomingEvent event;
        UUID callId;
        try {
            event = IncomingEvent.parse(mapper, record);
            if (!event.type().startsWith("call.")) {
                return Uni.createFrom().voidItem();
            }
            callId = UUID.fromString(event.data().path("call").path("callId").asText());
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping an unreadable call event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        JsonNode call = event.data().path("call");
        boolean ended = "call.ended".equals(event.type()) || !call.path("endedAt").isMissingNode()
                && !call.path("endedAt").isNull();
        Set<UUID> onCall = ended ? Set.of() : accountsOnCall(call);
        if (!ended && onCall.isEmpty()) {
            // Not answered yet (created, ringing, queued): nobody is on this call, nothing to change.
            return Uni.createFrom().voidItem();
        }
        List<UUID> touched = new ArrayList<>();
        IncomingEvent incoming = event;
        return pool.withTransaction(tx -> processed.claim(tx, CONSUMER, incoming.id()).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            UUID[] ids = onCall.toArray(UUID[]::new);
            return tx.preparedQuery("UPDATE presence_status SET active_call_ids = array_remove(active_call_ids, $1) "
                    + "WHERE $1 = ANY(active_call_ids) AND NOT (account_id = ANY($2)) RETURNING account_id")
                    .execute(Tuple.of(callId, ids))
                    .invoke(rows -> rows.forEach(r -> touched.add(r.getUUID("account_id"))))
                    .chain(() -> ids.length == 0 ? Uni.createFrom().voidItem()
                            : tx.preparedQuery("INSERT INTO presence_status (account_id, active_call_ids) "
                                    + "SELECT a, ARRAY[$1::uuid] FROM unnest($2::uuid[]) a ON CONFLICT (account_id) DO "
                                    + "UPDATE SET active_call_ids = presence_status.active_call_ids || $1::uuid "
                                    + "WHERE NOT ($1::uuid = ANY(presence_status.active_call_ids)) RETURNING account_id")
                                    .execute(Tuple.of(callId, ids))
                                    .invoke(rows -> rows.forEach(r -> touched.add(r.getUUID("account_id"))))
                                    .replaceWithVoid());
        }))
                .chain(() -> presence.recomputeAll(touched))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(20)
                .onFailure().invoke(e -> Log.errorf(e, "Call event %s not applied", incoming.id()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    static Set<UUID> accountsOnCall(JsonNode call) {
        Set<UUID> accounts = new LinkedHashSet<>();
        boolean answered = !call.path("answeredAt").isMissingNode() && !call.path("answeredAt").isNull()
                || "answered".equals(call.path("state").asText());
        if (answered) {
            add(accounts, call.path("callerAccountId"));
            if ("user".equals(call.path("calleeKind").asText("user"))) {
                add(accounts, call.path("calleeAccountId"));
            }
        }
        for (JsonNode leg : call.path("legs")) {
            boolean legAnswered = !leg.path("answeredAt").isMissingNode() && !leg.path("answeredAt").isNull();
            boolean legEnded = !leg.path("endedAt").isMissingNode() && !leg.path("endedAt").isNull()
                    || "ended".equals(leg.path("state").asText());
            if (legAnswered && !legEnded) {
                add(accounts, leg.path("accountId"));
            }
        }
        return accounts;
    }

    private static void add(Set<UUID> accounts, JsonNode id) {
        if (id.isTextual()) {
            try {
                accounts.add(UUID.fromString(id.asText()));
            } catch (IllegalArgumentException e) {
                // Not an account (a number or empty): not ours to track.
            }
        }
    }
}
