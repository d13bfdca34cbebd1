package io.ucp.signaling.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.signaling.platform.events.IncomingEvent;
import io.ucp.signaling.platform.events.ProcessedEvent;
import io.ucp.signaling.platform.events.ProcessedEvents;
import io.ucp.signaling.platform.outbox.OutboxWriter;
import io.ucp.signaling.platform.outbox.OutgoingEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OutboxTest {

    /** A state change of this service's own domain that commits, or not, with its events. */
    private static final String INSERT_STATE = "INSERT INTO call_queues (id, name) VALUES (?1, ?2)";
    private static final String COUNT_STATE = "SELECT count(*) FROM call_queues WHERE id = $1";
    /** The effect a consumer applies: must happen once however often the event arrives. */
    private static final String APPLY_EFFECT = "UPDATE call_queues SET max_size = max_size + 1 WHERE id = ?1";
    private static final String READ_EFFECT = "SELECT max_size FROM call_queues WHERE id = $1";
    private static final long EFFECT_BEFORE = 50;

    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> published;

    @Inject
    OutboxWriter outbox;
    @Inject
    ProcessedEvents processedEvents;
    @Inject
    Pool pool;
    @Inject
    ObjectMapper mapper;
    @ConfigProperty(name = "ucp.topics.call-events")
    String topic;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        if (published != null) {
            published.close();
        }
        kafka.close();
    }

    @Test
    void stateChangeAndItsEventsCommitTogetherAndArriveInOrder() throws Throwable {
        UUID account = UUID.randomUUID();
        changeStateWithEvents(account, "probe.created", "probe.updated", "probe.closed");

        List<ConsumerRecord<String, String>> records = awaitRecords(account, 3);
        List<IncomingEvent> events = records.stream().map(r -> IncomingEvent.parse(mapper, r.value())).toList();
        assertThat(events).extracting(IncomingEvent::type)
                .containsExactly("probe.created", "probe.updated", "probe.closed");
        assertThat(events).extracting(IncomingEvent::source).containsOnly("/ucp/signaling");
        assertThat(events).extracting(IncomingEvent::subject).containsOnly("probes/" + account);
        assertThat(events.get(0).sequence()).isLessThan(events.get(1).sequence());
        assertThat(events.get(1).sequence()).isLessThan(events.get(2).sequence());
        assertThat(events.get(0).data().path("probeId").asText()).isEqualTo(account.toString());
        assertThat(events.get(0).time()).isNotNull();
        assertThat(records).allSatisfy(r -> assertThat(
                new String(r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                .startsWith("application/cloudevents+json"));
        assertThat(countRows(COUNT_STATE, account)).isEqualTo(1);
    }

    @Test
    void aRolledBackChangePublishesNothing() throws Throwable {
        UUID rolledBack = UUID.randomUUID();
        assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> Panache.getSession().chain(session -> insertState(session, rolledBack)
                        .chain(() -> outbox.append(session, event(rolledBack, "probe.created")))
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("business rule failed")))))))
                .hasMessageContaining("business rule failed");

        assertThat(countRows(COUNT_STATE, rolledBack)).isZero();
        assertThat(countRows("SELECT count(*) FROM outbox_events WHERE event_key = $1", rolledBack.toString()))
                .isZero();
        // A later committed event comes through, so the relay has run past the point the rolled-back one would be.
        UUID later = UUID.randomUUID();
        changeStateWithEvents(later, "probe.created");
        awaitRecords(later, 1);
        assertThat(recordsFor(rolledBack)).isEmpty();
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() throws Throwable {
        UUID account = UUID.randomUUID();
        changeStateWithEvents(account, "probe.created");
        IncomingEvent event = IncomingEvent.parse(mapper, awaitRecords(account, 1).get(0).value());

        // The same record delivered twice in a row, then twice concurrently (two consumers racing).
        boolean first = applyVersionBump(event);
        boolean again = applyVersionBump(event);
        List<Boolean> raced;
        var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var one = threads.submit(() -> applyVersionBump(event));
            var two = threads.submit(() -> applyVersionBump(event));
            raced = List.of(one.get(), two.get());
        } finally {
            threads.shutdownNow();
        }

        assertThat(first).isTrue();
        assertThat(again).isFalse();
        assertThat(raced).containsOnly(false);
        assertThat(countRows(READ_EFFECT, account)).isEqualTo(EFFECT_BEFORE + 1);
        assertThat(VertxContextSupport.<Boolean>subscribeAndAwait(
                () -> Panache.withSession(() -> ProcessedEvent.applied("outbox-test", event.id())))).isTrue();
        // Another consumer of the same event has its own claim.
        assertThat(VertxContextSupport.<Boolean>subscribeAndAwait(() -> processedEvents.applyOnce("other-consumer",
                event, session -> Uni.createFrom().voidItem()))).isTrue();
    }

    private boolean applyVersionBump(IncomingEvent event) throws Exception {
        UUID account = UUID.fromString(event.data().path("probeId").asText());
        return awaitOnContext(
                () -> processedEvents.applyOnce("outbox-test", event, session -> bumpVersion(session, account)));
    }

    /** Runs a pipeline on a fresh Vert.x context (Panache keeps its session per context). */
    private static <T> T awaitOnContext(java.util.function.Supplier<Uni<T>> pipeline) throws Exception {
        try {
            return VertxContextSupport.subscribeAndAwait(pipeline);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static Uni<Void> bumpVersion(org.hibernate.reactive.mutiny.Mutiny.Session session, UUID account) {
        return session.createNativeQuery(APPLY_EFFECT).setParameter(1, account).executeUpdate().replaceWithVoid();
    }

    private void changeStateWithEvents(UUID account, String... types) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> {
                    Uni<Void> chain = insertState(session, account);
                    for (String type : types) {
                        chain = chain.chain(() -> outbox.append(session, event(account, type)));
                    }
                    return chain;
                })));
    }

    private static Uni<Void> insertState(org.hibernate.reactive.mutiny.Mutiny.Session session, UUID account) {
        return session.createNativeQuery(INSERT_STATE)
                .setParameter(1, account)
                .setParameter(2, account.toString())
                .executeUpdate().replaceWithVoid();
    }

    private OutgoingEvent event(UUID account, String type) {
        return OutgoingEvent.of(topic, account.toString(), type, "probes/" + account,
                Map.of("probeId", account.toString()));
    }

    private List<ConsumerRecord<String, String>> awaitRecords(UUID key, int expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> recordsFor(key).size() >= expected);
        List<ConsumerRecord<String, String>> records = recordsFor(key);
        assertThat(records).hasSize(expected);
        return records;
    }

    private List<ConsumerRecord<String, String>> recordsFor(UUID key) {
        synchronized (OutboxTest.class) {
            if (published == null) {
                published = kafka.consumeStrings().fromTopics(topic);
            }
        }
        return published.getRecords().stream().filter(r -> key.toString().equals(r.key())).toList();
    }

    private long countRows(String sql, Object key) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> pool.preparedQuery(sql).execute(Tuple.of(key))
                .map(rows -> rows.iterator().next().getLong(0)));
    }
}
