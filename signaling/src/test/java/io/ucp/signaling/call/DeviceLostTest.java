package io.ucp.signaling.call;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.config.SignalingConfig;
import io.ucp.signaling.device.DeviceClient;
import io.ucp.signaling.device.DeviceRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An answered call whose device vanished ends after the grace, billed to when the device went; a device back in time keeps it. */
@QuarkusTest
class DeviceLostTest {

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    Pool pool;
    @Inject
    DeviceLostSweeper sweeper;
    @Inject
    DeviceRegistry devices;
    @Inject
    SignalingConfig config;

    @Test
    void anAnsweredCallWhoseDeviceIsGoneEndsDeviceLostAtTheMomentItWent() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = answered(alice, bob);
            DeviceClient phone = bob.device();
            phone.close(); // gone without hanging up
            await().atMost(Duration.ofSeconds(20)).until(() -> !devices.isConnectedBy(phone.deviceId, bob.id()));

            OffsetDateTime missedAt = OffsetDateTime.now();
            CallTestSupport.await(() -> sweeper.sweep(missedAt));
            assertThat(state(alice, callId).getString("state")).isEqualTo("active"); // within the grace
            OffsetDateTime afterGrace = missedAt.plus(config.deviceLostGrace()).plusSeconds(1);
            assertThat(CallTestSupport.await(() -> sweeper.sweep(afterGrace))).isGreaterThanOrEqualTo(1);

            JsonPath ended = state(alice, callId);
            assertThat(ended.getString("state")).isEqualTo("ended");
            assertThat(ended.getString("endCause")).isEqualTo("device-lost");
            // Billed up to when the device was first missed, not when the grace ran out.
            OffsetDateTime endedAt = OffsetDateTime.parse(ended.getString("endedAt"));
            assertThat(Duration.between(missedAt, endedAt).abs()).isLessThan(Duration.ofSeconds(1));
            assertThat(ended.getList("legs.findAll { it.state != 'ended' }")).isEmpty();
            alice.device().awaitCall("call.update", callId, "ended");
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.ended");
        }
    }

    @Test
    void aDeviceThatReconnectsWithinTheGraceKeepsItsCall() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = answered(alice, bob);
            DeviceClient phone = bob.device();
            phone.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> !devices.isConnectedBy(phone.deviceId, bob.id()));
            OffsetDateTime missedAt = OffsetDateTime.now();
            CallTestSupport.await(() -> sweeper.sweep(missedAt));

            try (DeviceClient back = DeviceClient.connect(channel, bob.id(), phone.deviceId, bob.token())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> devices.isConnectedBy(back.deviceId, bob.id()));
                CallTestSupport.await(() -> sweeper.sweep(missedAt.plus(config.deviceLostGrace()).plusSeconds(1)));
                assertThat(state(alice, callId).getString("state")).isEqualTo("active");
                action(alice, callId, "hangup").statusCode(200);
            }
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.ended");
        }
    }

    private static UUID answered(User alice, User bob) {
        UUID callId = call(alice, bob);
        bob.device().awaitCall("call.offer", callId, "ringing");
        action(bob, callId, "answer").statusCode(200);
        return callId;
    }

    private static JsonPath state(User who, UUID callId) {
        return given().auth().oauth2(who.token()).when().get("/v1/calls/" + callId).then().statusCode(200).extract()
                .jsonPath();
    }
}
