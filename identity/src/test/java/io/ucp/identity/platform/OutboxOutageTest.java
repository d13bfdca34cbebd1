package io.ucp.identity.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.identity.platform.events.IncomingEvent;
import io.ucp.identity.platform.outbox.OutboxConfig;
import io.ucp.identity.platform.outbox.OutboxPublisher;
import io.ucp.identity.platform.outbox.OutboxRelay;
import io.ucp.identity.platform.outbox.OutboxWriter;
import io.ucp.identity.platform.outbox.OutgoingEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The relay publishes through {@link KafkaOutageProfile#PROXY}, which these tests cut and restore. */
@QuarkusTest
@TestProfile(KafkaOutageProfile.class)
class OutboxOutageTest {

    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> published;

    @TestHTTPResource(value = "/", management = true)
    URL management;
    @Inject
    OutboxWriter outbox;
    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    ObjectMapper mapper;
    @Inject
    OutboxConfig config;
    @Inject
    MeterRegistry metrics;
    @ConfigProperty(name = "ucp.topics.identity-events")
    String topic;
    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
        published = kafka.consumeStrings().fromTopics("identity.events.test");
    }

    @AfterAll
    static void close() {
        published.close();
        kafka.close();
        KafkaOutageProfile.PROXY.stop();
    }

    @AfterEach
    void restoreNetwork() throws Exception {
        KafkaOutageProfile.PROXY.start();
    }

    @Test
    void writesSucceedDuringAnOutageAndTheirEventsArePublishedOnceInOrderAfterIt() throws Throwable {
        KafkaOutageProfile.PROXY.stop();
        String key = UUID.randomUUID().toString();
        for (int step = 0; step < 5; step++) {
            writeEvent(key, step);
        }

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> recordsFor(key).isEmpty());
        assertThat(unpublished(key)).isEqualTo(5);

        KafkaOutageProfile.PROXY.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> recordsFor(key).size() >= 5);
        // Anything sent twice would arrive within this window.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> recordsFor(key).size() >= 5);
        assertThat(steps(key)).containsExactly(0, 1, 2, 3, 4);
        assertThat(unpublished(key)).isZero();
    }

    @Test
    void aKafkaOutageLeavesTheServiceReadyAndShowsAsDegraded() throws Exception {
        KafkaOutageProfile.PROXY.stop();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().port(management.getPort()).when().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == 'Kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Kafka' }.data.degraded", equalTo(true)));
        assertThat(metrics.get("ucp_kafka_degraded").gauge().value()).isEqualTo(1.0);

        KafkaOutageProfile.PROXY.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().port(management.getPort()).when().get("/q/health/ready").then()
                .statusCode(200).body("checks.find { it.name == 'Kafka' }.data.degraded", equalTo(false)));
        assertThat(metrics.get("ucp_kafka_degraded").gauge().value()).isZero();
    }

    @Test
    void twoRelaysDrainingTogetherPublishEachRowOnceInOrder() throws Throwable {
        KafkaOutageProfile.PROXY.stop();
        String key = UUID.randomUUID().toString();
        int count = 1200;
        VertxContextSupport.subscribeAndAwait(() -> pool.withTransaction(connection -> {
            List<Tuple> rows = new ArrayList<>(count);
            for (int step = 0; step < count; step++) {
                rows.add(outbox.tuple(event(key, step)));
            }
            return connection.preparedQuery(OutboxWriter.insertSql()).executeBatch(rows);
        }));

        // A second relay, as another instance would run, publishing straight to the broker.
        OutboxConfig direct = new DirectConfig(config);
        OutboxPublisher secondPublisher = new OutboxPublisher(direct);
        OutboxRelay second = new OutboxRelay(pool, vertx, secondPublisher, direct, metrics, url, user, password);
        try {
            KafkaOutageProfile.PROXY.start();
            // Both relays are woken throughout; the advisory lock lets one batch at a time through.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                second.wake();
                return recordsFor(key).size() >= count;
            });
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> recordsFor(key).size() == count);
            List<Integer> steps = steps(key);
            for (int step = 0; step < count; step++) {
                assertThat(steps.get(step)).isEqualTo(step);
            }
        } finally {
            secondPublisher.close();
        }
    }

    private void writeEvent(String key, int step) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> outbox.append(event(key, step))));
    }

    private OutgoingEvent event(String key, int step) {
        return OutgoingEvent.of(topic, key, "probe.step", "probes/" + key, Map.of("step", step));
    }

    private long unpublished(String key) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> pool
                .preparedQuery("SELECT count(*) FROM outbox_events WHERE event_key = $1 AND published_at IS NULL")
                .execute(Tuple.of(key)).map(rows -> rows.iterator().next().getLong(0)));
    }

    private List<Integer> steps(String key) {
        return recordsFor(key).stream()
                .map(r -> IncomingEvent.parse(mapper, r.value()).data().path("step").asInt())
                .toList();
    }

    private static List<ConsumerRecord<String, String>> recordsFor(String key) {
        return published.getRecords().stream().filter(r -> key.equals(r.key())).toList();
    }

    /** The service's outbox settings, but straight to the broker instead of through the proxy. */
    private record DirectConfig(OutboxConfig delegate) implements OutboxConfig {
        @Override
        public String bootstrapServers() {
            return "127.0.0.1:9092";
        }

        @Override
        public String source() {
            return delegate.source();
        }

        @Override
        public boolean relayEnabled() {
            return true;
        }

        @Override
        public int batchSize() {
            return 50;
        }

        @Override
        public Duration pollInterval() {
            return delegate.pollInterval();
        }

        @Override
        public Duration maxBackoff() {
            return delegate.maxBackoff();
        }

        @Override
        public Duration deliveryTimeout() {
            return delegate.deliveryTimeout();
        }

        @Override
        public Duration metadataTimeout() {
            return delegate.metadataTimeout();
        }

        @Override
        public Duration retention() {
            return delegate.retention();
        }
    }
}
