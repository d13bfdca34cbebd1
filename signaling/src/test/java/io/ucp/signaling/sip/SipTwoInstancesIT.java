package io.ucp.signaling.sip;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.ucp.signaling.call.CallEvents;
import io.ucp.signaling.device.DeviceClient;
import io.ucp.signaling.platform.PackagedInstances;
import io.ucp.signaling.platform.Redis;
import io.ucp.signaling.platform.TestTokens;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Registrations are shared across signaling instances: a baresip phone registered through instance 1's SIP edge
 * rings, answers and hangs up for a call created through instance 2 (whose caller's device is on instance 2); the
 * call.offer crosses through the device directory, the INVITE leaves instance 1.
 */
class SipTwoInstancesIT {

    private static final String OFFER_SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 31602 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    private final PackagedInstances instances = new PackagedInstances();

    @AfterEach
    void stopAll() throws InterruptedException {
        instances.stopAll();
    }

    @Test
    void aPhoneRegisteredThroughOneInstanceRingsForACallCreatedThroughTheOther() throws Exception {
        CallEvents.records();
        int first = PackagedInstances.freePort();
        int firstSip = PackagedInstances.freePort();
        instances.start(first, "sip-1", true, "ucp.signaling.sip.enabled=true", "ucp.signaling.sip.port=" + firstSip);
        PackagedInstances.awaitReady(first);
        int second = PackagedInstances.freePort();
        int secondSip = PackagedInstances.freePort();
        instances.start(second, "sip-2", false, "ucp.signaling.sip.enabled=true",
                "ucp.signaling.sip.port=" + secondSip);
        PackagedInstances.awaitReady(second);

        SipFixtures.Phone alice = SipFixtures.publishDevice(UUID.randomUUID());
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(1).equals(
                Redis.commandIn(1, "EXISTS", "ucp:signaling:sip:cred:" + alice.username())));
        UUID bob = UUID.randomUUID();
        URI channel2 = URI.create("http://127.0.0.1:" + second + "/v1/devices/channel");
        try (Baresip phone = Baresip.start(firstSip, alice.username(), alice.password(), 15103, 14467,
                "31580-31599", 440, "auto");
                DeviceClient bobDevice = DeviceClient.connect(channel2, bob, UUID.randomUUID(), TestTokens.user(bob))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> phone.log().contains("200 OK"));
            // Bob calls Alice through instance 2; her only device is the phone registered on instance 1.
            String callId = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300))
                    .until(() -> given().port(second).auth().oauth2(TestTokens.user(bob)).contentType(ContentType.JSON)
                            .header("Idempotency-Key", UUID.randomUUID().toString())
                            .body(Map.of("deviceId", bobDevice.deviceId, "toAccountId", alice.accountId()))
                            .post("/v1/calls"), r -> r.statusCode() == 201 && "ringing".equals(r.path("state")))
                    .then().extract().path("callId");
            bobDevice.send(Map.of("type", "sdp", "callId", callId, "description",
                    Map.of("type", "offer", "sdp", OFFER_SDP)));
            JsonNode answer;
            try {
                answer = bobDevice.awaitMessage("sdp", m -> callId.equals(m.path("callId").asText()));
            } catch (Throwable e) {
                throw new AssertionError("baresip:\n" + phone.log(), e);
            }
            assertThat(answer.path("description").path("type").asText()).isEqualTo("answer");
            assertThat(answer.path("fromDeviceId").asText()).isEqualTo(alice.deviceId().toString());
            assertThat(phone.log()).contains("Call established");
            await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(given().port(second).auth()
                    .oauth2(TestTokens.user(bob)).get("/v1/calls/" + callId).then().extract().path("state")));

            // Bob hangs up on instance 2: instance 1 sends the phone its BYE.
            given().port(second).auth().oauth2(TestTokens.user(bob)).header("Idempotency-Key", UUID.randomUUID()
                    .toString()).post("/v1/calls/" + callId + "/hangup").then().statusCode(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> phone.log().contains("session closed")
                    || phone.log().contains("terminated"));
            assertThat(CallEvents.awaitTypes(UUID.fromString(callId), 4))
                    .containsExactly("call.created", "call.ringing", "call.answered", "call.ended");
        }
    }
}
