package io.ucp.signaling.device;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.ucp.signaling.call.CallEvents;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.platform.TestTokens;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two real browsers on the device channel: headless Chromium pages with a fake microphone run a small softphone
 * (src/test/resources/webrtc/phone.js). Alice's call goes through the REST API, Bob's browser rings and picks up
 * over the channel, and the SDP offer/answer and ICE candidates relayed by UCP set up a real peer connection whose
 * audio reaches the other side.
 */
@QuarkusTest
class BrowserWebRtcTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @jakarta.inject.Inject
    DeviceCopies copies;
    @TestHTTPResource("/")
    URL base;

    @Test
    void twoBrowsersSetUpAPeerConnectionThroughTheDeviceChannelAndAudioFlows() throws Exception {
        CallEvents.records();
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        UUID alicePhone = UUID.randomUUID();
        UUID bobPhone = UUID.randomUUID();
        IdentityDevices.registered(alice, alicePhone);
        IdentityDevices.registered(bob, bobPhone);
        await().atMost(Duration.ofSeconds(30)).until(() -> CallTestSupport.await(() -> copies.isRegisteredTo(alicePhone,
                alice)) && CallTestSupport.await(() -> copies.isRegisteredTo(bobPhone, bob)));
        // Pages on the service's own origin: 127.0.0.1 is a secure context, so the browser allows the microphone.
        String origin = "http://127.0.0.1:" + base.getPort();
        String phoneJs = resource("webrtc/phone.js");
        try (HeadlessChromium chromium = HeadlessChromium.start(base.getPort());
                HeadlessChromium.Page alicePage = chromium.open(origin + "/v1/");
                HeadlessChromium.Page bobPage = chromium.open(origin + "/v1/")) {
            for (HeadlessChromium.Page page : new HeadlessChromium.Page[] {alicePage, bobPage}) {
                assertThat(page.evaluate(phoneJs)).isEqualTo("loaded");
            }
            assertThat(alicePage.evaluate(connect(origin, alicePhone, TestTokens.user(alice)))).isEqualTo("ready");
            assertThat(bobPage.evaluate(connect(origin, bobPhone, TestTokens.user(bob)))).isEqualTo("ready");

            String callId = given().auth().oauth2(TestTokens.user(alice)).contentType(ContentType.JSON)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body(Map.of("deviceId", alicePhone, "toAccountId", bob))
                    .post("/v1/calls").then().statusCode(201).extract().path("callId");
            assertThat(alicePage.evaluate("ucpPhone.dial('" + callId + "')")).isEqualTo("offered");

            // Both peers connected over loopback, and each hears the other's (fake) microphone.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    connectedWithAudio(status(alicePage)) && connectedWithAudio(status(bobPage)));
            JsonNode bobSide = status(bobPage);
            // The browser's namespace has loopback only: the media path can be nothing else.
            assertThat(bobSide.path("route").asText()).isEqualTo("127.0.0.1->127.0.0.1");
            assertThat(bobSide.path("log").asText()).contains("call.offer", "sdp", "ice");

            // Bob picked up in his browser: the call is active, and the lifecycle so far is exactly that.
            given().auth().oauth2(TestTokens.user(alice)).get("/v1/calls/" + callId).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("active"));
            UUID id = UUID.fromString(callId);
            await().atMost(Duration.ofSeconds(20)).until(() -> CallEvents.types(id).size() >= 3);
            assertThat(CallEvents.types(id)).containsExactly("call.created", "call.ringing", "call.answered");
        }
    }

    private static String connect(String origin, UUID device, String token) {
        return "ucpPhone.connect('" + origin.replaceFirst("^http", "ws") + "/v1/devices/channel?deviceId=" + device
                + "&access_token=" + token + "')";
    }

    private static JsonNode status(HeadlessChromium.Page page) throws Exception {
        return MAPPER.readTree(page.evaluate("ucpPhone.status()"));
    }

    private static boolean connectedWithAudio(JsonNode status) {
        return "connected".equals(status.path("connection").asText())
                && status.path("audioBytesReceived").asLong() > 0;
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = BrowserWebRtcTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
