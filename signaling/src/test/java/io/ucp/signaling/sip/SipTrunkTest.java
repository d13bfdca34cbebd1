package io.ucp.signaling.sip;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.routing.AccountCopies;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A SIP trunk (the test profile's "carrier": out to 127.0.0.1:15093 for +1555…, in from 127.0.0.1:15091) with sipp
 * as the carrier: its call to a user's number rings all her devices by her rules (her WebSocket device answers, her
 * ringing baresip is cancelled), and a WebSocket user's call to an outside number leaves as an INVITE to the
 * carrier presenting the caller's number.
 */
@QuarkusTest
class SipTrunkTest {

    private static final UUID TRUNK = UUID.fromString("00000000-0000-4000-8000-00000000c0a1");
    private static final String RTP_SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 31398 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    SipDirectory directory;
    @Inject
    DeviceRegistry registry;
    @Inject
    AccountCopies copies;
    @Inject
    Pool pool;

    @Test
    void aCarriersCallToAUsersNumberRingsHerPhoneAndHerBrowserDeviceWhichAnswers() throws Throwable {
        String number = "+4989100200";
        try (User alice = user(channel, 1)) {
            SipFixtures.phoneNumber(alice.id(), number);
            SipFixtures.Phone deskPhone = SipFixtures.provision(directory, alice.id());
            try (Baresip phone = Baresip.start(deskPhone.username(), deskPhone.password(), 15095, 14459,
                    "31500-31519", 440, "manual")) {
                await().atMost(Duration.ofSeconds(15)).until(() -> registry.devicesOf(alice.id())
                        .contains(deskPhone.deviceId()));
                await().atMost(Duration.ofSeconds(30)).until(() -> alice.id().equals(
                        CallTestSupport.await(() -> copies.ownerOfNumber(number))));
                await().atMost(Duration.ofSeconds(5)).until(() -> registry.trunkOwner(TRUNK) != null);

                Sipp.Run carrier = Sipp.start("carrier_uac.xml", 15091, "-s", number);
                try {
                    JsonNode offer = alice.device().awaitMessage("call.offer", m -> true);
                    String callId = offer.path("callId").asText();
                    JsonNode call = offer.path("call");
                    assertThat(call.path("direction").asText()).isEqualTo("inbound");
                    assertThat(call.path("callerNumber").asText()).isEqualTo("+15551234567");
                    assertThat(call.path("calleeNumber").asText()).isEqualTo(number);
                    // Her desk phone rings too (her rules: all devices).
                    await().atMost(Duration.ofSeconds(10)).until(() -> phone.log().contains("Incoming call"));

                    alice.device().send(Map.of("type", "answer", "callId", callId));
                    JsonNode sdp = alice.device().awaitMessage("sdp", m -> callId.equals(m.path("callId").asText()));
                    assertThat(sdp.path("description").path("type").asText()).isEqualTo("offer");
                    alice.device().send(Map.of("type", "sdp", "callId", callId, "description",
                            Map.of("type", "answer", "sdp", RTP_SDP)));
                    // The carrier gets 200, ACKs, talks a second and hangs up: sipp's scenario ran to its end.
                    Sipp.finish(carrier).assertPassed(); // it saw INVITE, ACK and BYE
                    await().atMost(Duration.ofSeconds(10)).until(() -> "ended".equals(given().auth()
                            .oauth2(alice.token()).get("/v1/calls/" + callId).then().extract().path("state")));
                    assertEvents(pool, UUID.fromString(callId), "call.created", "call.ringing", "call.answered",
                            "call.ended");
                    // The phone that did not answer stopped ringing (CANCEL).
                    await().atMost(Duration.ofSeconds(10)).until(() -> phone.log().contains("terminated")
                            || phone.log().contains("closed"));
                } finally {
                    carrier.kill();
                }
            }
        }
    }

    @Test
    void aCallToAnOutsideNumberLeavesThroughTheTrunkPresentingTheCallersNumber() throws Throwable {
        String bobNumber = "+4989100300";
        try (User bob = user(channel, 1)) {
            SipFixtures.phoneNumber(bob.id(), bobNumber);
            await().atMost(Duration.ofSeconds(30)).until(() -> bob.id().equals(
                    CallTestSupport.await(() -> copies.ownerOfNumber(bobNumber))));
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.trunkOwner(TRUNK) != null);
            Path messages = Files.createTempFile("carrier", ".log");
            // The carrier: sipp's built-in UAS on the trunk's address (180, 200 with SDP, ACK, BYE → 200).
            Sipp.Run carrier = Sipp.start("uas", 15093, "-message_file", messages.toString());
            try {
                String callId = given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .body(Map.of("deviceId", bob.device().deviceId, "toNumber", "+15559876543"))
                        .post("/v1/calls").then().statusCode(201).extract().path("callId");
                bob.device().send(Map.of("type", "sdp", "callId", callId, "description",
                        Map.of("type", "offer", "sdp", RTP_SDP)));
                JsonNode answer = bob.device().awaitMessage("sdp", m -> callId.equals(m.path("callId").asText()));
                assertThat(answer.path("description").path("type").asText()).isEqualTo("answer");
                assertThat(answer.path("fromDeviceId").asText()).isEqualTo(TRUNK.toString());
                await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(given().auth()
                        .oauth2(bob.token()).get("/v1/calls/" + callId).then().extract().path("state")));
                JsonNode call = new com.fasterxml.jackson.databind.ObjectMapper().readTree(given().auth()
                        .oauth2(bob.token()).get("/v1/calls/" + callId).then().extract().asString());
                assertThat(call.path("calleeKind").asText()).isEqualTo("number");
                assertThat(call.path("calleeNumber").asText()).isEqualTo("+15559876543");

                given().auth().oauth2(bob.token()).header("Idempotency-Key", UUID.randomUUID().toString())
                        .post("/v1/calls/" + callId + "/hangup").then().statusCode(200);
                Sipp.finish(carrier).assertPassed();
                String log = Files.readString(messages);
                assertThat(log).contains("INVITE sip:+15559876543@127.0.0.1:15093");
                assertThat(log).containsPattern("(?m)^From: <sip:\\" + bobNumber + "@ucp\\.local>");
                assertThat(log).containsPattern("(?m)^To: <sip:\\+15559876543@127\\.0\\.0\\.1>");
                assertEvents(pool, UUID.fromString(callId), "call.created", "call.ringing", "call.answered",
                        "call.ended");
            } finally {
                carrier.kill();
            }
        }
    }
}
