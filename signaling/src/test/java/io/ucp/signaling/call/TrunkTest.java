package io.ucp.signaling.call;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.rows;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.device.DeviceClient;
import io.ucp.signaling.platform.TestTokens;
import io.ucp.signaling.routing.AccountCopies;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Calls to and from the outside world through trunks (gateway devices) and the outbound route table. */
@QuarkusTest
class TrunkTest {

    private static final UUID BERLIN_PRIMARY = Trunks.BERLIN_PRIMARY;
    private static final UUID BERLIN_BACKUP = Trunks.BERLIN_BACKUP;
    private static KafkaCompanion kafka;

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    Pool pool;
    @Inject
    AccountCopies copies;
    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void anOutboundCallLeavesThroughTheFirstConnectedTrunkOfTheLongestPrefix() throws Throwable {
        try (User alice = user(channel, 1);
                DeviceClient trunk = Trunks.connect(channel, BERLIN_BACKUP)) {
            String id = toNumber(alice, "+4930123456").statusCode(201).body("state", equalTo("ringing"))
                    .body("direction", equalTo("outbound")).body("calleeKind", equalTo("number"))
                    .body("calleeNumber", equalTo("+4930123456")).extract().path("callId");
            UUID callId = UUID.fromString(id);
            JsonNode offer = trunk.awaitCall("call.offer", callId, "ringing");
            assertThat(offer.path("call").path("calleeNumber").asText()).isEqualTo("+4930123456");
            trunk.send(Map.of("type", "answer", "callId", id));
            alice.device().awaitCall("call.update", callId, "active");
            trunk.send(Map.of("type", "hangup", "callId", id));
            alice.device().awaitCall("call.update", callId, "ended");
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.ended");
            Row attempt = rows(pool, "SELECT target_type, outcome, target ->> 'trunkDeviceId' AS trunk, "
                    + "target ->> 'prefix' AS prefix FROM call_routing WHERE call_id = $1", callId).get(0);
            assertThat(attempt.getString("target_type")).isEqualTo("number");
            assertThat(attempt.getString("outcome")).isEqualTo("answered");
            assertThat(attempt.getString("trunk")).isEqualTo(BERLIN_BACKUP.toString());
            assertThat(attempt.getString("prefix")).isEqualTo("+4930");
            assertThat(rows(pool, "SELECT trunk_device_id FROM call_sessions WHERE id = $1", callId).get(0)
                    .getUUID("trunk_device_id")).isEqualTo(BERLIN_BACKUP);
        }
    }

    @Test
    void withNoTrunkConnectedTheCallFailsAndTheAttemptSaysWhy() throws Throwable {
        try (User alice = user(channel, 1)) {
            String id = toNumber(alice, "+4940123456").statusCode(201).body("state", equalTo("ended"))
                    .body("endCause", equalTo("failed")).extract().path("callId");
            UUID callId = UUID.fromString(id);
            assertEvents(pool, callId, "call.created", "call.ended");
            Row attempt = rows(pool, "SELECT outcome, reason FROM call_routing WHERE call_id = $1", callId).get(0);
            assertThat(attempt.getString("outcome")).isEqualTo("failed");
            assertThat(attempt.getString("reason")).isEqualTo("no trunk connected for +49");
            String unrouted = toNumber(alice, "+3312345678").statusCode(201).body("endCause", equalTo("failed"))
                    .extract().path("callId");
            assertThat(rows(pool, "SELECT reason FROM call_routing WHERE call_id = $1", UUID.fromString(unrouted))
                    .get(0).getString("reason")).isEqualTo("no outbound route for +3312345678");
            toNumber(alice, "030-123").statusCode(400).body("errors[0].field", org.hamcrest.Matchers
                    .containsString("toNumber"));
        }
    }

    @Test
    void aTrunkReportsTheFarEndBusy() throws Throwable {
        try (User alice = user(channel, 1);
                DeviceClient trunk = Trunks.connect(channel, BERLIN_PRIMARY)) {
            UUID callId = UUID.fromString(toNumber(alice, "+4930999888").statusCode(201).extract().path("callId"));
            trunk.awaitCall("call.offer", callId, "ringing");
            trunk.send(Map.of("type", "busy", "callId", callId.toString()));
            alice.device().awaitCall("call.update", callId, "ended");
            given().auth().oauth2(alice.token()).when().get("/v1/calls/" + callId).then()
                    .body("endCause", equalTo("busy"));
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ended");
        }
    }

    @Test
    void anInboundCallFromATrunkEntersTheRoutingOfTheNumbersOwner() throws Throwable {
        try (User bob = user(channel, 1);
                DeviceClient trunk = Trunks.connect(channel, BERLIN_PRIMARY)) {
            String number = "+4930" + (100000 + (int) (Math.random() * 899999));
            publishProfile(bob.id(), number);
            await().atMost(Duration.ofSeconds(20)).until(() -> bob.id().equals(
                    CallTestSupport.await(() -> copies.ownerOfNumber(number))));
            String trunkToken = Trunks.gatewayToken();
            String key = "in-" + UUID.randomUUID();
            String id = inbound(trunkToken, BERLIN_PRIMARY, "+14155550100", number, key).statusCode(201)
                    .body("direction", equalTo("inbound")).body("callerAccountId", nullValue())
                    .body("callerNumber", equalTo("+14155550100")).body("calleeAccountId", equalTo(bob.id().toString()))
                    .body("payingAccountId", nullValue()).body("state", equalTo("ringing"))
                    .extract().path("callId");
            String replay = inbound(trunkToken, BERLIN_PRIMARY, "+14155550100", number, key).statusCode(201)
                    .extract().path("callId");
            assertThat(replay).isEqualTo(id);
            UUID callId = UUID.fromString(id);
            bob.device().awaitCall("call.offer", callId, "ringing");
            action(bob, callId, "answer").statusCode(200);
            trunk.awaitCall("call.update", callId, "active");
            trunk.send(Map.of("type", "hangup", "callId", id));
            bob.device().awaitCall("call.update", callId, "ended");
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.ended");

            inbound(trunkToken, BERLIN_PRIMARY, "+14155550100", "+4930000001", null).statusCode(404);
            inbound(bob.token(), bob.device().deviceId, "+14155550100", number, null).statusCode(422);
            inbound(trunkToken, BERLIN_PRIMARY, "not a number", number, null).statusCode(400);
        }
    }

    @Test
    void onlyGatewayAccountsMayConnectTrunks() {
        UUID account = UUID.randomUUID();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceClient.connectTrunk(channel, account,
                UUID.randomUUID(), TestTokens.user(account))).hasStackTraceContaining("WebSocketHandshakeException")
                .hasStackTraceContaining("403");
    }

    private static ValidatableResponse toNumber(User from, String number) {
        return given().auth().oauth2(from.token()).contentType(ContentType.JSON)
                .body(Map.of("deviceId", from.device().deviceId, "toNumber", number)).when().post("/v1/calls").then();
    }

    private static ValidatableResponse inbound(String token, UUID device, String from, String to, String key) {
        var request = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("deviceId", device, "fromNumber", from, "toNumber", to));
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.when().post("/v1/calls/inbound").then();
    }

    private void publishProfile(UUID account, String phone) throws Exception {
        Map<String, Object> envelope = Map.of("specversion", "1.0", "id", UUID.randomUUID().toString(),
                "source", "/ucp/identity", "type", "profile.updated", "time", OffsetDateTime.now().toString(),
                "sequence", System.currentTimeMillis(), "data", Map.of("accountId", account.toString(),
                        "displayName", "Bob", "phoneE164", phone, "timeZone", "Europe/Berlin"));
        kafka.produceStrings().fromRecords(new ProducerRecord<>("identity.events.test", account.toString(),
                mapper.writeValueAsString(envelope))).awaitCompletion();
    }
}
