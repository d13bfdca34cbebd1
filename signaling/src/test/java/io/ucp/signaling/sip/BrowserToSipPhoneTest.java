package io.ucp.signaling.sip;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.device.DeviceCopies;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.device.HeadlessChromium;
import io.ucp.signaling.device.IdentityDevices;
import io.ucp.signaling.media.MediaRelay;
import io.ucp.signaling.platform.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A browser calls a SIP phone, media anchored in rtpengine: Bob's headless Chromium softphone (WebRTC: ICE,
 * DTLS-SRTP) calls Alice by REST; her baresip (Debian, registered with identity's credentials) rings and answers;
 * rtpengine bridges the browser's SRTP to the phone's plain RTP. Proved from both ends: the phone's recording of what
 * it received carries the browser's tone, the browser's getStats() counts audio received, rtpengine's counters show
 * both sides sending. Either side's hang-up ends both legs and releases the media.
 */
@QuarkusTest
class BrowserToSipPhoneTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;
    @Inject
    SipDirectory directory;
    @Inject
    DeviceRegistry registry;
    @Inject
    DeviceCopies copies;
    @Inject
    MediaRelay relay;
    @Inject
    Pool pool;
    @ConfigProperty(name = "ucp.test.rtpengine.port-min", defaultValue = "31000")
    int rtpFirst;
    @ConfigProperty(name = "ucp.test.rtpengine.port-max", defaultValue = "31199")
    int rtpLast;

    @Test
    void theBrowserHearsThePhoneAndThePhoneHearsTheBrowserThroughRtpengineAndTheCallerHangsUp() throws Throwable {
        try (Call call = call(15079, 14449, "31400-31419")) {
            // Bob hangs up by REST: the phone gets its BYE, the media is released.
            given().auth().oauth2(call.bobToken).header("Idempotency-Key", UUID.randomUUID().toString())
                    .post("/v1/calls/" + call.id + "/hangup").then().statusCode(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> call.phone.log().contains("session closed")
                    || call.phone.log().contains("terminated"));
            call.assertEndedAndReleased();
            // What the phone received is the browser's microphone (Chromium's fake device: a beep), not silence.
            assertThat(CallAudio.rms(CallAudio.received(call.phone))).as("RMS amplitude of what baresip received").isGreaterThan(0.01);
        }
    }

    @Test
    void thePhoneHangsUpAndBothLegsEnd() throws Throwable {
        try (Call call = call(15081, 14451, "31420-31439")) {
            String reply = call.phone.command("hangup");
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> "ended".equals(given().auth().oauth2(call.bobToken)
                        .get("/v1/calls/" + call.id).then().extract().path("state")));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the phone's hang-up should end the call; ctrl_tcp said " + reply
                        + "; baresip said:\n" + call.phone.log(), e);
            }
            call.assertEndedAndReleased();
            await().atMost(Duration.ofSeconds(10)).until(() -> call.bobPage.evaluate("ucpPhone.log.join(' ')")
                    .contains("call.update"));
        }
    }

    /** Bob's browser calls Alice's baresip; returns once audio flows both ways through rtpengine. */
    private Call call(int sipPort, int ctrlPort, String phoneRtp) throws Exception {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        UUID bob = UUID.randomUUID();
        UUID bobDevice = UUID.randomUUID();
        IdentityDevices.registered(bob, bobDevice);
        Call call = new Call();
        call.bobToken = TestTokens.user(bob);
        call.phone = Baresip.start(alice.username(), alice.password(), sipPort, ctrlPort, phoneRtp);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> registry.devicesOf(alice.accountId())
                    .contains(alice.deviceId()));
            await().atMost(Duration.ofSeconds(30)).until(() -> CallTestSupport.await(() -> copies.isRegisteredTo(
                    bobDevice, bob)));
            // The browser reaches the service and rtpengine's RTP ports, nothing else: its namespace has loopback only.
            call.chromium = HeadlessChromium.start(base.getPort(), rtpFirst, rtpLast);
            String origin = "http://127.0.0.1:" + base.getPort();
            call.bobPage = call.chromium.open(origin + "/v1/");
            assertThat(call.bobPage.evaluate(CallAudio.resource("webrtc/phone.js"))).isEqualTo("loaded");
            assertThat(call.bobPage.evaluate("ucpPhone.connect('" + origin.replaceFirst("^http", "ws")
                    + "/v1/devices/channel?deviceId=" + bobDevice + "&access_token=" + call.bobToken + "')"))
                    .isEqualTo("ready");
            call.id = given().auth().oauth2(call.bobToken).contentType(ContentType.JSON)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body(Map.of("deviceId", bobDevice, "toAccountId", alice.accountId()))
                    .post("/v1/calls").then().statusCode(201).extract().path("callId");
            assertThat(call.bobPage.evaluate("ucpPhone.dial('" + call.id + "')")).isEqualTo("offered");
            // baresip auto-answers; the browser connects (ICE + DTLS with rtpengine) and hears the phone's sine.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonNode status = MAPPER.readTree(call.bobPage.evaluate("ucpPhone.status()"));
                return "connected".equals(status.path("connection").asText())
                        && status.path("audioBytesReceived").asLong() > 4000;
            });
            assertThat(call.phone.log()).contains("Call established");
            given().auth().oauth2(call.bobToken).get("/v1/calls/" + call.id).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("active"));
            // Both sides' packets pass through rtpengine (the browser's SRTP and the phone's RTP).
            CallAudio.awaitMediaBothWays(relay, call.id);
            return call;
        } catch (Exception | AssertionError e) {
            call.close();
            String phoneLog = call.phone.log();
            throw new AssertionError("browser → SIP phone call failed; baresip said:\n" + phoneLog, e);
        }
    }

    private final class Call implements AutoCloseable {
        String id;
        String bobToken;
        Baresip phone;
        HeadlessChromium chromium;
        HeadlessChromium.Page bobPage;

        void assertEndedAndReleased() throws Throwable {
            await().atMost(Duration.ofSeconds(10)).until(() -> "ended".equals(given().auth().oauth2(bobToken)
                    .get("/v1/calls/" + id).then().extract().path("state")));
            assertEvents(pool, UUID.fromString(id), "call.created", "call.ringing", "call.answered", "call.ended");
            CallAudio.awaitReleased(relay, id);
        }

        @Override
        public void close() throws Exception {
            if (bobPage != null) {
                bobPage.close();
            }
            if (chromium != null) {
                chromium.close();
            }
            phone.close();
        }
    }

}
