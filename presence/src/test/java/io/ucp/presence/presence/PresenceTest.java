package io.ucp.presence.presence;

import static io.ucp.presence.support.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.presence.platform.events.IncomingEvent;
import io.ucp.presence.support.Api.User;
import io.ucp.presence.support.CallEvents;
import io.ucp.presence.support.contract.InvalidRequests;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PresenceTest {

    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> events;

    @Inject
    ObjectMapper mapper;
    @Inject
    HotPresence hot;
    @Inject
    io.ucp.presence.feed.FeedFanoutStatus consumers;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
        events = kafka.consumeStrings().withGroupId("presence-test-" + UUID.randomUUID())
                .withAutoCommit().fromTopics("presence.events.test");
    }

    @AfterAll
    static void close() {
        events.close();
        kafka.close();
    }

    @Test
    void aggregationFollowsThePriority() {
        assertThat(PresenceState.aggregate("available", false, 0, false)).isEqualTo("offline");
        assertThat(PresenceState.aggregate("available", false, 1, true)).isEqualTo("available");
        assertThat(PresenceState.aggregate("available", false, 2, false)).isEqualTo("away");
        assertThat(PresenceState.aggregate("away", false, 1, true)).isEqualTo("away");
        assertThat(PresenceState.aggregate("busy", false, 1, true)).isEqualTo("busy");
        assertThat(PresenceState.aggregate("busy", true, 1, true)).isEqualTo("on-call");
        assertThat(PresenceState.aggregate("available", true, 0, false)).isEqualTo("on-call");
        assertThat(PresenceState.aggregate("dnd", true, 1, true)).isEqualTo("dnd");
        assertThat(PresenceState.aggregate("appear-offline", true, 1, true)).isEqualTo("offline");
    }

    @Test
    @InvalidRequests("sends an unknown state and a status text over 200 characters on purpose, to see the 400s")
    void chosenStateStatusTextAndItsExpiry() throws Throwable {
        User me = user();
        me.as().body(Map.of("deviceId", "desk")).post("/v1/presence/devices/desk/heartbeat").then().statusCode(204);
        me.as().get("/v1/presence/me").then().body("state", equalTo("available"));
        me.as().body(Map.of("state", "dnd", "statusText", "focus", "statusExpiresAt",
                OffsetDateTime.now().plusSeconds(2).toString())).put("/v1/presence/me").then().statusCode(200)
                .body("state", equalTo("dnd")).body("statusText", equalTo("focus"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> me.as().get("/v1/presence/me").then()
                .body("statusText", nullValue()).body("state", equalTo("dnd")));
        // The expiry is published too (a dnd without its text).
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsFor(me.id()).size() >= 3);
        me.as().body(Map.of("state", "appear-offline")).put("/v1/presence/me").then().body("state", equalTo("offline"));
        me.as().body(Map.of("state", "sleeping")).put("/v1/presence/me").then().statusCode(400)
                .body("errors.field", hasItem("state"));
        me.as().body(Map.of("state", "busy", "statusText", "x".repeat(201))).put("/v1/presence/me").then()
                .statusCode(400).body("errors.field", hasItem("statusText"));
        me.as().body(Map.of("state", "busy", "statusText", "late", "statusExpiresAt", "2001-01-01T00:00:00Z"))
                .put("/v1/presence/me").then().statusCode(400).body("errors.field", hasItem("statusExpiresAt"));

        List<IncomingEvent> published = await().atMost(Duration.ofSeconds(20)).until(() -> eventsFor(me.id()),
                list -> list.size() >= 4);
        assertThat(published).extracting(e -> e.data().path("state").asText())
                .containsExactly("available", "dnd", "dnd", "offline");
        assertThat(published.get(1).data().path("statusText").asText()).isEqualTo("focus");
        assertThat(published.get(2).data().path("statusText").isNull()).isTrue();
        assertThat(published).extracting(e -> e.data().path("version").asLong()).containsExactly(1L, 2L, 3L, 4L);
        // The hot copy survives Redis losing it: rebuilt from presence_status.
        VertxContextSupport.subscribeAndAwait(() -> hot.forget(me.id()));
        List<PresenceApi.PresenceView> views = VertxContextSupport.subscribeAndAwait(() -> hot.get(List.of(me.id())));
        assertThat(views.get(0).state()).isEqualTo("offline");
        assertThat(views.get(0).version()).isEqualTo(4);
    }

    @Test
    void aDeviceGoneTurnsOfflineOnlyAfterTheGracePeriod() {
        User me = user();
        me.as().post("/v1/presence/devices/phone/heartbeat").then().statusCode(204);
        me.as().delete("/v1/presence/devices/phone").then().statusCode(204);
        long gone = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                me.as().get("/v1/presence/me").then().body("state", equalTo("offline")));
        assertThat(Duration.ofNanos(System.nanoTime() - gone)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        // A reconnect inside the grace period is invisible: no offline in between.
        User flappy = user();
        flappy.as().post("/v1/presence/devices/phone/heartbeat").then().statusCode(204);
        flappy.as().delete("/v1/presence/devices/phone").then().statusCode(204);
        flappy.as().post("/v1/presence/devices/phone/heartbeat").then().statusCode(204);
        // A heartbeat that stops turns the device offline after TTL + grace.
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsFor(flappy.id()).size() >= 2);
        List<IncomingEvent> flaps = eventsFor(flappy.id());
        assertThat(flaps).extracting(e -> e.data().path("state").asText()).containsExactly("available", "offline");
    }

    @Test
    void aCallMakesTheUserOnCallUntilItEnds() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                return VertxContextSupport.subscribeAndAwait(() -> consumers.assigned(List.of("call-events")));
            } catch (Throwable e) {
                return false;
            }
        });
        User caller = user();
        User callee = user();
        caller.as().post("/v1/presence/devices/desk/heartbeat").then().statusCode(204);
        callee.as().body(Map.of("state", "busy")).put("/v1/presence/me").then().statusCode(200);
        UUID callId = UUID.randomUUID();
        String answered = CallEvents.event("call.answered", callId, caller.id(), callee.id(), true, false);
        kafka.produceStrings().fromRecords(List.of(
                new org.apache.kafka.clients.producer.ProducerRecord<>("call.events.test", callId.toString(), answered),
                // A redelivery (same event id) changes nothing.
                new org.apache.kafka.clients.producer.ProducerRecord<>("call.events.test", callId.toString(), answered)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            caller.as().get("/v1/presence/me").then().body("state", equalTo("on-call")).body("onCall", equalTo(true));
            callee.as().get("/v1/presence/me").then().body("state", equalTo("on-call"));
        });
        kafka.produceStrings().fromRecords(new org.apache.kafka.clients.producer.ProducerRecord<>("call.events.test",
                callId.toString(), CallEvents.event("call.ended", callId, caller.id(), callee.id(), true, true)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            caller.as().get("/v1/presence/me").then().body("state", equalTo("available")).body("onCall", equalTo(false));
            // The callee has no live device: once the call ends they are offline.
            callee.as().get("/v1/presence/me").then().body("state", equalTo("offline"));
        });
        assertThat(eventsFor(caller.id())).extracting(e -> e.data().path("state").asText())
                .containsExactly("available", "on-call", "available");
    }

    private List<IncomingEvent> eventsFor(UUID account) {
        return events.getRecords().stream().filter(r -> account.toString().equals(r.key()))
                .map(r -> IncomingEvent.parse(mapper, r.value()))
                .filter(e -> e.type().equals("presence.changed")).toList();
    }
}
