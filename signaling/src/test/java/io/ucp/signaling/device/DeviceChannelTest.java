package io.ucp.signaling.device;

import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.originate;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.platform.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The device channel: authentication, offers, answering from the device, and WebRTC signaling relay. */
@QuarkusTest
class DeviceChannelTest {

    private static final String OFFER_SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n";
    private static final String ANSWER_SDP = OFFER_SDP.replace("4611731400430051336", "8235129391023113131");

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    Pool pool;

    @Test
    void twoDevicesExchangeSdpAndIceThroughTheChannel() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            DeviceClient caller = alice.device();
            DeviceClient callee = bob.device();
            UUID callId = call(alice, bob);
            JsonNode offer = callee.awaitCall("call.offer", callId, "ringing");
            assertThat(offer.path("call").path("callerAccountId").asText()).isEqualTo(alice.id().toString());

            // The caller's browser sends its offer while the callee's device rings (it arrives with the ringing).
            caller.send(Map.of("type", "sdp", "callId", callId.toString(), "ref", "o1",
                    "description", Map.of("type", "offer", "sdp", OFFER_SDP)));
            caller.awaitMessage("ack", m -> "o1".equals(m.path("ref").asText()));
            JsonNode relayedOffer = callee.awaitMessage("sdp", m -> callId.toString().equals(m.path("callId").asText()));
            assertThat(relayedOffer.path("description").path("type").asText()).isEqualTo("offer");
            assertThat(relayedOffer.path("description").path("sdp").asText()).isEqualTo(OFFER_SDP);
            assertThat(relayedOffer.path("fromDeviceId").asText()).isEqualTo(caller.deviceId.toString());

            // The callee accepts on the device, then answers the SDP; both sides trickle ICE.
            callee.send(Map.of("type", "answer", "callId", callId.toString(), "ref", "a1"));
            callee.awaitMessage("ack", m -> "a1".equals(m.path("ref").asText()));
            caller.awaitCall("call.update", callId, "active");
            callee.send(Map.of("type", "sdp", "callId", callId.toString(),
                    "description", Map.of("type", "answer", "sdp", ANSWER_SDP)));
            JsonNode relayedAnswer = caller.awaitMessage("sdp", m -> "answer".equals(
                    m.path("description").path("type").asText()));
            assertThat(relayedAnswer.path("description").path("sdp").asText()).isEqualTo(ANSWER_SDP);

            Map<String, Object> aliceCandidate = Map.of("candidate",
                    "candidate:1 1 udp 2122260223 127.0.0.1 54400 typ host", "sdpMid", "0", "sdpMLineIndex", 0);
            Map<String, Object> bobCandidate = Map.of("candidate",
                    "candidate:2 1 udp 2122260223 127.0.0.1 54401 typ host", "sdpMid", "0", "sdpMLineIndex", 0);
            caller.send(Map.of("type", "ice", "callId", callId.toString(), "candidate", aliceCandidate));
            callee.send(Map.of("type", "ice", "callId", callId.toString(), "candidate", bobCandidate));
            assertThat(callee.awaitMessage("ice", m -> true).path("candidate").path("candidate").asText())
                    .contains("54400");
            assertThat(caller.awaitMessage("ice", m -> true).path("candidate").path("candidate").asText())
                    .contains("54401");

            // Hang up from the device ends the call for both.
            caller.send(Map.of("type", "hangup", "callId", callId.toString()));
            callee.awaitCall("call.update", callId, "ended");
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.ended");
        }
    }

    @Test
    void aDeviceThatIsNotInTheCallCannotSignalIntoIt() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User eve = user(channel, 1)) {
            UUID callId = call(alice, bob);
            eve.device().send(Map.of("type", "sdp", "callId", callId.toString(), "ref", "x",
                    "description", Map.of("type", "offer", "sdp", OFFER_SDP)));
            JsonNode error = eve.device().awaitMessage("error", m -> "x".equals(m.path("ref").asText()));
            assertThat(error.path("status").asInt()).isEqualTo(404);
            eve.device().send(Map.of("type", "answer", "callId", callId.toString(), "ref", "y"));
            assertThat(eve.device().awaitMessage("error", m -> "y".equals(m.path("ref").asText())).path("status")
                    .asInt()).isEqualTo(404);
            eve.device().send(Map.of("type", "dance", "callId", callId.toString(), "ref", "z"));
            assertThat(eve.device().awaitMessage("error", m -> "z".equals(m.path("ref").asText())).path("status")
                    .asInt()).isEqualTo(400);
            assertThat(bob.device().received()).noneMatch(m -> "sdp".equals(m.path("type").asText()));
            action(alice, callId, "hangup").statusCode(200);
        }
    }

    @Test
    void eachDeviceMayDeclineAndTheLastDeclineEndsTheCall() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 2)) {
            UUID callId = call(alice, bob);
            DeviceClient desk = bob.devices().get(0);
            DeviceClient phone = bob.devices().get(1);
            desk.awaitCall("call.offer", callId, "ringing");
            desk.send(Map.of("type", "reject", "callId", callId.toString(), "ref", "r1"));
            desk.awaitMessage("ack", m -> "r1".equals(m.path("ref").asText()));
            JsonNode update = phone.awaitMessage("call.update", m -> "ringing".equals(m.path("call").path("state")
                    .asText()) && m.path("call").path("version").asInt() == 2);
            assertThat(update.path("call").path("legs").findValuesAsText("state")).contains("ended", "ringing");
            phone.send(Map.of("type", "reject", "callId", callId.toString()));
            alice.device().awaitCall("call.update", callId, "ended");
            io.restassured.RestAssured.given().auth().oauth2(alice.token()).when().get("/v1/calls/" + callId)
                    .then().body("endCause", equalTo("rejected"));
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ended");
        }
    }

    @Test
    void aDroppedDeviceIsNotRingable() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            originate(alice, bob.id(), null).statusCode(201).body("state", equalTo("ringing"))
                    .body("legs.size()", equalTo(2));
            bob.device().close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> originate(alice, bob.id(), null)
                    .statusCode(201).body("state", equalTo("ended")).body("endCause", equalTo("no-answer")));
        }
    }

    @Test
    void theTokenMayComeAsASubprotocol() throws Exception {
        UUID account = UUID.randomUUID();
        try (DeviceClient device = DeviceClient.connectWithSubprotocol(channel, account, UUID.randomUUID(),
                TestTokens.user(account))) {
            assertThat(device.subprotocol()).isEqualTo("ucp.v1");
            assertThat(device.received().get(0).path("accountId").asText()).isEqualTo(account.toString());
        }
    }

    @Test
    void upgradesWithoutAValidTokenOrWithAnotherAccountsDeviceAreRefused() throws Exception {
        UUID account = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        String ws = DeviceClient.ws(channel);
        assertThat(handshakeStatus(ws + "?deviceId=" + device)).isEqualTo(401);
        assertThat(handshakeStatus(ws + "?deviceId=" + device + "&access_token=nonsense")).isEqualTo(401);
        assertThat(handshakeStatus(ws + "?deviceId=" + device + "&access_token=" + TestTokens.unsigned(account)))
                .isEqualTo(401);
        assertThat(handshakeStatus(ws + "?deviceId=nope&access_token=" + TestTokens.user(account))).isEqualTo(400);
        try (DeviceClient mine = DeviceClient.connect(channel, account, device, TestTokens.user(account))) {
            UUID other = UUID.randomUUID();
            assertThat(handshakeStatus(ws + "?deviceId=" + device + "&access_token=" + TestTokens.user(other)))
                    .isEqualTo(403);
        }
    }

    /** Issue #10, finding 12: frames over the rate get 429 errors, and a flood closes the connection (1008). */
    @Test
    void aFloodOfFramesIsRateLimitedAndClosedWhileOthersCarryOn() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            DeviceClient flooder = alice.device();
            UUID ringing = call(alice, bob);
            bob.device().awaitCall("call.offer", ringing, "ringing");
            String callId = ringing.toString();
            for (int i = 0; i < 300 && !flooder.closedByServer(); i++) {
                try {
                    flooder.send(Map.of("type", "ice", "callId", callId, "candidate", Map.of("candidate", "x")));
                } catch (Exception e) {
                    break;
                }
            }
            flooder.awaitClosedByServer();
            assertThat(flooder.closeCode()).isEqualTo(1008);
            assertThat(flooder.received()).anyMatch(m -> "error".equals(m.path("type").asText())
                    && m.path("status").asInt() == 429);
            // Relayed: the burst and what the rate refilled meanwhile, not the 300 frames sent.
            long relayed = bob.device().received().stream().filter(m -> "ice".equals(m.path("type").asText())).count();
            assertThat(relayed).isGreaterThanOrEqualTo(40).isLessThan(300);
            action(bob, ringing, "reject").statusCode(200);
            // The instance is fine: Bob's device still works, and Alice may connect again.
            try (DeviceClient again = DeviceClient.connectRegistered(channel, alice.id(), flooder.deviceId,
                    alice.token())) {
                UUID call = call(bob, alice);
                again.awaitCall("call.offer", call, "ringing");
                again.send(Map.of("type", "answer", "callId", call.toString(), "ref", "a"));
                again.awaitMessage("ack", m -> "a".equals(m.path("ref").asText()));
                bob.device().awaitCall("call.update", call, "active");
                action(bob, call, "hangup").statusCode(200);
            }
        }
    }

    /** Issue #10, finding 5: NUL and control characters are refused at the edge (frames and REST bodies), 400. */
    @Test
    void nulAndControlCharactersAreRefusedAtTheEdge() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            bob.device().awaitCall("call.offer", callId, "ringing");
            bob.device().send(Map.of("type", "answer", "callId", callId.toString(), "ref", "n1", "note", "a\u0000b"));
            JsonNode refused = bob.device().awaitMessage("error", m -> "n1".equals(m.path("ref").asText()));
            assertThat(refused.path("status").asInt()).isEqualTo(400);
            assertThat(refused.path("detail").asText()).contains("note");
            bob.device().send(Map.of("type", "sdp", "callId", callId.toString(), "ref", "n2",
                    "description", Map.of("type", "offer", "sdp", "v=0\u0007")));
            assertThat(bob.device().awaitMessage("error", m -> "n2".equals(m.path("ref").asText())).path("status")
                    .asInt()).isEqualTo(400);
            io.restassured.RestAssured.given().auth().oauth2(alice.token()).contentType("application/json")
                    .body("{\"digits\":\"1\\u00002\"}").post("/v1/calls/" + callId + "/dtmf").then()
                    .statusCode(400).contentType("application/problem+json").body("errors[0].field",
                            equalTo("digits"));
            io.restassured.RestAssured.given().auth().oauth2(TestTokens.admin(UUID.randomUUID()))
                    .contentType("application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                    .body("{\"name\":\"sales\\u0000\",\"strategy\":\"ring-all\"}").post("/v1/queues").then()
                    .statusCode(400).contentType("application/problem+json");
            // The call is untouched, and a clean answer still works.
            bob.device().send(Map.of("type", "answer", "callId", callId.toString(), "ref", "ok"));
            bob.device().awaitMessage("ack", m -> "ok".equals(m.path("ref").asText()));
            alice.device().awaitCall("call.update", callId, "active");
            action(alice, callId, "hangup").statusCode(200);
        }
    }

    private static int handshakeStatus(String uri) {
        var attempt = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(uri), new java.net.http.WebSocket.Listener() {
                });
        Throwable failure = null;
        try {
            attempt.get(10, TimeUnit.SECONDS).abort();
            return 101;
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (Exception e) {
            failure = e;
        }
        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure).getResponse().statusCode();
    }
}
