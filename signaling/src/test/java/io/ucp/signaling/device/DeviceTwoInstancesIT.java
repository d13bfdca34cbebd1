package io.ucp.signaling.device;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.ucp.signaling.call.CallEvents;
import io.ucp.signaling.platform.PackagedInstances;
import io.ucp.signaling.platform.Redis;
import io.ucp.signaling.platform.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The device channel across instances: two packaged instances share the Redis device directory. A call placed
 * through one instance rings, updates and relays WebRTC signaling to devices connected to the other; a device
 * connecting on the second instance replaces its connection on the first; and once an instance is killed
 * (SIGKILL, no clean leave), its devices stop being ringable after the liveness timeout.
 */
class DeviceTwoInstancesIT {

    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration INSTANCE_TIMEOUT = Duration.ofSeconds(3);
    private static final String[] DIRECTORY = {
        "ucp.signaling.devices.heartbeat-interval=" + HEARTBEAT.toSeconds() + "s",
        "ucp.signaling.devices.instance-timeout=" + INSTANCE_TIMEOUT.toSeconds() + "s"};
    private static final String EVENTS = "ucp:signaling:devices:events.test";
    private static final String OFFER_SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private final PackagedInstances instances = new PackagedInstances();

    @AfterEach
    void stopAll() throws InterruptedException {
        instances.stopAll();
    }

    @Test
    void aCallRingsSignalsAndEndsAcrossInstancesAndAKilledInstancesDevicesGoOffline() throws Exception {
        CallEvents.records();
        Set<String> otherSubscribers = pubsubClientIds();
        int first = PackagedInstances.freePort();
        instances.start(first, "devices-1", true, DIRECTORY);
        PackagedInstances.awaitReady(first);
        int second = PackagedInstances.freePort();
        Process killed = instances.start(second, "devices-2", false, DIRECTORY);
        PackagedInstances.awaitReady(second);

        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        URI channel1 = URI.create("http://127.0.0.1:" + first + "/v1/devices/channel");
        URI channel2 = URI.create("http://127.0.0.1:" + second + "/v1/devices/channel");
        try (DeviceClient alicePhone = DeviceClient.connect(channel1, alice, UUID.randomUUID(), TestTokens.user(alice));
                DeviceClient bobPhone = DeviceClient.connect(channel2, bob, UUID.randomUUID(), TestTokens.user(bob))) {
            // Alice's device is on instance 1; she calls through instance 2, which learns of it from the directory
            // (an event a few milliseconds after she connected: retried until it has).
            UUID callId = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> originate(second, alice, alicePhone.deviceId, bob), r -> r.statusCode() == 201)
                    .then().extract().jsonPath().getUUID("callId");

            bobPhone.awaitCall("call.offer", callId, "ringing");
            alicePhone.awaitCall("call.update", callId, "ringing");

            // Bob answers on instance 2: the update crosses to Alice's device on instance 1.
            bobPhone.send(Map.of("type", "answer", "callId", callId.toString(), "ref", "a1"));
            bobPhone.awaitMessage("ack", m -> "a1".equals(m.path("ref").asText()));
            alicePhone.awaitCall("call.update", callId, "active");

            // WebRTC signaling from Alice's device (handled by instance 1) reaches Bob's device on instance 2.
            alicePhone.send(Map.of("type", "sdp", "callId", callId.toString(), "ref", "o1",
                    "description", Map.of("type", "offer", "sdp", OFFER_SDP)));
            alicePhone.awaitMessage("ack", m -> "o1".equals(m.path("ref").asText()));
            JsonNode sdp = bobPhone.awaitMessage("sdp", m -> callId.toString().equals(m.path("callId").asText()));
            assertThat(sdp.path("description").path("sdp").asText()).isEqualTo(OFFER_SDP);
            assertThat(sdp.path("fromDeviceId").asText()).isEqualTo(alicePhone.deviceId.toString());
            alicePhone.send(Map.of("type", "ice", "callId", callId.toString(), "candidate", Map.of("candidate",
                    "candidate:1 1 udp 2122260223 127.0.0.1 54400 typ host", "sdpMid", "0", "sdpMLineIndex", 0)));
            assertThat(bobPhone.awaitMessage("ice", m -> callId.toString().equals(m.path("callId").asText()))
                    .path("candidate").path("candidate").asText()).contains("54400");

            // Alice hangs up on instance 1: both devices see the end.
            alicePhone.send(Map.of("type", "hangup", "callId", callId.toString()));
            alicePhone.awaitCall("call.update", callId, "ended");
            bobPhone.awaitCall("call.update", callId, "ended");
            assertThat(CallEvents.awaitTypes(callId, 4))
                    .containsExactly("call.created", "call.ringing", "call.answered", "call.ended");

            // The same device connecting on the other instance replaces the first connection there.
            UUID tablet = UUID.randomUUID();
            try (DeviceClient onFirst = DeviceClient.connect(channel1, bob, tablet, TestTokens.user(bob))) {
                // Left open on purpose: it dies with instance 2 below.
                DeviceClient.connect(channel2, bob, tablet, TestTokens.user(bob));
                onFirst.awaitClosedByServer();
            }

            // Redis drops both instances' pub/sub connections, as a Redis restart or failover would. The client does
            // not re-subscribe by itself; each instance notices at its next beat (PUBSUB NUMSUB) and joins again.
            assertThat(ownChannels()).hasSize(2);
            for (String id : pubsubClientIds()) {
                if (!otherSubscribers.contains(id)) {
                    Redis.command("CLIENT", "KILL", "ID", id);
                }
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> ownChannels().size() == 2
                    && Long.valueOf(2).equals(((List<?>) Redis.command("PUBSUB", "NUMSUB", EVENTS)).get(1)));
            // Rejoined: a device connected on instance 1 is seen by instance 2, and instance 1 delivers to it.
            try (DeviceClient aliceLaptop = DeviceClient.connect(channel1, alice, UUID.randomUUID(),
                    TestTokens.user(alice))) {
                UUID again = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                        .until(() -> originate(second, alice, aliceLaptop.deviceId, bob), r -> r.statusCode() == 201)
                        .then().extract().jsonPath().getUUID("callId");
                bobPhone.awaitCall("call.offer", again, "ringing");
                bobPhone.send(Map.of("type", "answer", "callId", again.toString()));
                aliceLaptop.awaitCall("call.update", again, "active");
                aliceLaptop.send(Map.of("type", "hangup", "callId", again.toString()));
                bobPhone.awaitCall("call.update", again, "ended");
            }

            // Instance 2 dies without leaving: Bob's devices there stop being ringable after the liveness timeout,
            // so a call to him through instance 1 finds no connected device and ends at once.
            killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Thread.sleep(INSTANCE_TIMEOUT.plus(HEARTBEAT.multipliedBy(3)).toMillis());
            JsonPath unreachable = originate(first, alice, alicePhone.deviceId, bob).then().statusCode(201)
                    .extract().jsonPath();
            UUID lost = unreachable.getUUID("callId");
            assertThat(unreachable.getString("state")).isEqualTo("ended");
            assertThat(unreachable.getString("endCause")).isEqualTo("no-answer");
            assertThat(CallEvents.awaitTypes(lost, 2)).containsExactly("call.created", "call.ended");
        }
    }

    /** The instances' own delivery channels that have a subscriber right now. */
    private static List<?> ownChannels() throws IOException {
        return (List<?>) Redis.command("PUBSUB", "CHANNELS", "ucp:signaling:devices:to.test:*");
    }

    /** Pub/sub connections on the test database (db 1), so that nothing outside the tests is touched. */
    private static Set<String> pubsubClientIds() throws IOException {
        Set<String> ids = new HashSet<>();
        for (String line : ((String) Redis.command("CLIENT", "LIST", "TYPE", "pubsub")).split("\n")) {
            Matcher id = Pattern.compile("^id=(\\d+) ").matcher(line);
            if (id.find() && line.contains(" db=1 ")) {
                ids.add(id.group(1));
            }
        }
        return ids;
    }

    private static Response originate(int port, UUID caller, UUID device, UUID callee) {
        return given().port(port).auth().oauth2(TestTokens.user(caller)).contentType(ContentType.JSON)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("deviceId", device, "toAccountId", callee)).post("/v1/calls");
    }
}
