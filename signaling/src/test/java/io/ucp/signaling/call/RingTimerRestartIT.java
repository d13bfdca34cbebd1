package io.ucp.signaling.call;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.ucp.signaling.device.DeviceClient;
import io.ucp.signaling.platform.PackagedInstances;
import io.ucp.signaling.platform.TestTokens;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Persisted timers across a crash: the packaged service rings a call (ring timeout armed in call_sessions), is killed
 * (SIGKILL, no shutdown hook), and comes back as two instances against the same database. The ring timeout fires
 * after the restart, exactly once: one call.ended (no-answer), however many instances poll.
 */
class RingTimerRestartIT {

    private static final Duration RING = Duration.ofSeconds(4);
    private static final String RING_TIMEOUT = "ucp.signaling.ring-timeout=" + RING.toSeconds() + "s";
    private final PackagedInstances instances = new PackagedInstances();

    @AfterEach
    void stopAll() throws InterruptedException {
        instances.stopAll();
    }

    @Test
    void aRingTimeoutArmedBeforeACrashFiresAfterTheRestartExactlyOnce() throws Exception {
        CallEvents.records();
        int first = PackagedInstances.freePort();
        Process crashing = instances.start(first, "restart-1", true, RING_TIMEOUT);
        PackagedInstances.awaitReady(first);

        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        URI channel = URI.create("http://127.0.0.1:" + first + "/v1/devices/channel");
        UUID callId;
        try (DeviceClient alicePhone = DeviceClient.connect(channel, alice, UUID.randomUUID(), TestTokens.user(alice));
                DeviceClient bobPhone = DeviceClient.connect(channel, bob, UUID.randomUUID(), TestTokens.user(bob))) {
            JsonPath placed = given().port(first).auth().oauth2(TestTokens.user(alice)).contentType(ContentType.JSON)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body(Map.of("deviceId", alicePhone.deviceId, "toAccountId", bob))
                    .post("/v1/calls").then().statusCode(201).extract().jsonPath();
            callId = UUID.fromString(placed.getString("callId"));
            assertThat(placed.getString("state")).isEqualTo("ringing");
            bobPhone.awaitMessage("call.offer", m -> callId.toString().equals(m.path("callId").asText()));
            await().atMost(Duration.ofSeconds(30)).until(() -> CallEvents.types(callId).size() == 2);
            // Killed while ringing, before the ring timeout: nothing on the way down can end the call.
            crashing.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        OffsetDateTime killedAt = OffsetDateTime.now();
        assertThat(CallEvents.types(callId)).containsExactly("call.created", "call.ringing");

        int second = PackagedInstances.freePort();
        int third = PackagedInstances.freePort();
        instances.start(second, "restart-2", false, RING_TIMEOUT);
        instances.start(third, "restart-3", false, RING_TIMEOUT);
        PackagedInstances.awaitReady(second);
        PackagedInstances.awaitReady(third);

        await().atMost(Duration.ofSeconds(60)).until(() -> CallEvents.types(callId).contains("call.ended"));
        JsonPath ended = given().port(third).auth().oauth2(TestTokens.user(alice)).get("/v1/calls/" + callId)
                .then().statusCode(200).extract().jsonPath();
        assertThat(ended.getString("state")).isEqualTo("ended");
        assertThat(ended.getString("endCause")).isEqualTo("no-answer");
        OffsetDateTime ringingAt = OffsetDateTime.parse(ended.getString("ringingAt"));
        OffsetDateTime endedAt = OffsetDateTime.parse(ended.getString("endedAt"));
        assertThat(endedAt).isAfterOrEqualTo(ringingAt.plus(RING)).isAfter(killedAt);
        // Both instances poll the timer; one acted. Give a straggler time to publish a second ending, then check.
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> CallEvents.types(callId).size() >= 3);
        assertThat(CallEvents.types(callId)).containsExactly("call.created", "call.ringing", "call.ended");
    }
}
