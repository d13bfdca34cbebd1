package io.ucp.signaling.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.CallView;
import io.ucp.signaling.history.HistoryProjection.PartyEntry;
import io.ucp.signaling.platform.events.IncomingEvent;
import io.ucp.signaling.platform.events.ProcessedEvents;
import io.ucp.signaling.platform.outbox.OutboxWriter;
import io.ucp.signaling.platform.outbox.OutgoingEvent;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Writes each party's history entry when signaling's own {@code call.ended} comes back from call.events, and a
 * {@code call.missed} event (through the outbox, in the same transaction) for every party that missed it. Reading the
 * event rather than hooking every end path keeps one place that knows who took part; the claim in processed_events
 * and the entries' primary key make a redelivered call.ended a no-op.
 */
@ApplicationScoped
public class HistoryListener {

    static final String CONSUMER = "call-history";

    private final HistoryStore store;
    private final ProcessedEvents processed;
    private final OutboxWriter outbox;
    private final ObjectMapper mapper;
    private final String missedTopic;

    public HistoryListener(HistoryStore store, ProcessedEvents processed, OutboxWriter outbox, ObjectMapper mapper,
            @ConfigProperty(name = "ucp.topics.call-missed") String missedTopic) {
        this.store = store;
        this.processed = processed;
        this.outbox = outbox;
        this.mapper = mapper;
        this.missedTopic = missedTopic;
    }

    @Incoming("call-history")
    public Uni<Void> onCallEvent(String record) {
        IncomingEvent event;
        CallView call;
        try {
            event = IncomingEvent.parse(mapper, record);
            if (!"call.ended".equals(event.type())) {
                return Uni.createFrom().voidItem();
            }
            call = mapper.treeToValue(event.data().path("call"), CallView.class);
        } catch (IllegalArgumentException | java.io.IOException e) {
            Log.warnf("Skipping an unreadable call event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        List<PartyEntry> entries = HistoryProjection.entries(call);
        String recordings = recordingRefs(call);
        IncomingEvent claimed = event;
        return store.pool().withTransaction(tx -> processed.claim(tx, CONSUMER, claimed.id()).chain(first -> first
                ? store.insert(tx, entries, recordings).chain(inserted -> announceMissed(tx, entries, inserted))
                : Uni.createFrom().voidItem()))
                // A call.ended for a call this database does not hold (pruned by retention before the event was
                // read, or published by another deployment sharing the topic) has no parties here: skip it, do not
                // hold up the calls behind it.
                .onFailure(HistoryListener::unknownCall).recoverWithItem(e -> {
                    Log.warnf("Skipping call history of %s: no such call here", call.callId());
                    return null;
                })
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .onFailure().recoverWithItem(e -> {
                    Log.errorf("Giving up on call history of %s: %s", call.callId(), e.getMessage());
                    return null;
                });
    }

    private Uni<Void> announceMissed(SqlClient tx, List<PartyEntry> entries, List<HistoryStore.Inserted> inserted) {
        Map<java.util.UUID, PartyEntry> byAccount = entries.stream()
                .collect(Collectors.toMap(PartyEntry::accountId, Function.identity(), (a, b) -> a));
        List<PartyEntry> missed = inserted.stream()
                .filter(i -> HistoryProjection.Outcome.MISSED.wire.equals(i.outcome()))
                .map(i -> byAccount.get(i.accountId())).toList();
        if (missed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Sequentially on the one transaction's connection (a connection runs one statement at a time anyway).
        return Multi.createFrom().iterable(missed).onItem().transformToUniAndConcatenate(e -> store
                .missedSinceSeen(tx, e.accountId())
                .chain(count -> outbox.append(tx, OutgoingEvent.of(missedTopic, e.accountId().toString(),
                        CallMissed.TYPE, "accounts/" + e.accountId() + "/missed-calls",
                        new CallMissed(e.accountId(), e.callId(), e.peerAccountId(), e.peerNumber(), e.queueId(),
                                e.endedAt(), count)))))
                .collect().last().replaceWithVoid();
    }

    private static boolean unknownCall(Throwable e) {
        return e instanceof PgException pg && "23503".equals(pg.getSqlState());
    }

    /** The recordings a party may fetch (ids and metadata; the download link comes from the recordings API). */
    private String recordingRefs(CallView call) {
        ArrayNode refs = mapper.createArrayNode();
        if (call.recordings() != null && call.recordings().isArray()) {
            call.recordings().forEach(r -> refs.addObject()
                    .put("recordingId", r.path("recordingId").asText())
                    .put("contentType", r.path("contentType").asText(null))
                    .put("state", r.path("state").asText(null))
                    .set("durationSeconds", r.path("durationSeconds").isNumber() ? r.get("durationSeconds")
                            : mapper.getNodeFactory().nullNode()));
        }
        return refs.toString();
    }
}
