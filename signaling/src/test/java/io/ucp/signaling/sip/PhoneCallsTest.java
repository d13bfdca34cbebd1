package io.ucp.signaling.sip;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.call.CallTestSupport.User;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Calls placed by SIP phones (the B2BUA's caller side), with real baresip phones and a real browser: a phone dials
 * a user by the dial plan, the call is the same call a REST originate makes (same events), media flows through
 * rtpengine both ways, and either end's hang-up ends it.
 */
@QuarkusTest
class PhoneCallsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;
    @TestHTTPResource("/v1/devices/channel")
    java.net.URI channel;
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
    void twoPhonesOfTwoUsersTalkThroughRtpengineAndTheCallersHangUpEndsBoth() throws Throwable {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        SipFixtures.Phone bob = SipFixtures.provision(directory);
        try (Baresip a = Baresip.start(alice.username(), alice.password(), 15083, 14453, "31440-31459", 440);
                Baresip b = Baresip.start(bob.username(), bob.password(), 15085, 14455, "31460-31479", 880)) {
            String callId = phoneCallsPhone(alice, a, bob, b);
            JsonNode call = MAPPER.readTree(given().auth().oauth2(TestTokens.user(alice.accountId()))
                    .get("/v1/calls/" + callId).then().statusCode(200).extract().asString());
            assertThat(call.path("state").asText()).isEqualTo("active");
            assertThat(call.path("callerDeviceId").asText()).isEqualTo(alice.deviceId().toString());
            assertThat(call.path("calleeAccountId").asText()).isEqualTo(bob.accountId().toString());

            // Recorded by the server (rtpengine's pcap, made a WAV, stored in S3): both phones' tones are in it.
            String aliceToken = TestTokens.user(alice.accountId());
            String recordingId = given().auth().oauth2(aliceToken).contentType(io.restassured.http.ContentType.JSON)
                    .header("Idempotency-Key", UUID.randomUUID().toString()).body(Map.of())
                    .post("/v1/calls/" + callId + "/recordings").then().statusCode(201)
                    .body("contentType", org.hamcrest.Matchers.equalTo("audio/wav")).extract().path("recordingId");
            CallAudio.awaitBothSides(relay, callId, true);
            CallAudio.awaitBothSides(relay, callId, true);
            given().auth().oauth2(aliceToken).post("/v1/calls/" + callId + "/recordings/" + recordingId + "/stop")
                    .then().statusCode(200).body("state", org.hamcrest.Matchers.equalTo("stopped"));
            String url = given().auth().oauth2(TestTokens.user(bob.accountId()))
                    .get("/v1/calls/" + callId + "/recordings/" + recordingId).then().statusCode(200)
                    .extract().path("url");
            java.nio.file.Path wav = java.nio.file.Files.createTempFile("recording", ".wav");
            java.net.http.HttpResponse<java.nio.file.Path> download = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofFile(wav));
            assertThat(download.statusCode()).isEqualTo(200);
            List<Double> tones = List.of(CallAudio.frequency(wav, 1), CallAudio.frequency(wav, 2)).stream()
                    .sorted().toList();
            assertThat(tones.get(0)).as("Alice's 440 Hz in the recording").isBetween(400.0, 480.0);
            assertThat(tones.get(1)).as("Bob's 880 Hz in the recording").isBetween(820.0, 940.0);
            given().auth().oauth2(TestTokens.user(UUID.randomUUID()))
                    .get("/v1/calls/" + callId + "/recordings/" + recordingId).then().statusCode(404);

            a.command("hangup");
            awaitEndedAndReleased(alice.accountId(), callId);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.log().contains("session closed")
                    || b.log().contains("terminated"));
            // Each phone heard the other's tone (440 Hz from Alice, 880 Hz from Bob), not its own, not silence.
            assertThat(CallAudio.frequency(CallAudio.received(b))).as("what Bob's phone received").isBetween(400.0, 480.0);
            assertThat(CallAudio.frequency(CallAudio.received(a))).as("what Alice's phone received").isBetween(820.0, 940.0);
        }
    }

    @Test
    void holdAndResumeFromRestAndFromThePhoneChangeTheMediaDirection() throws Throwable {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        SipFixtures.Phone bob = SipFixtures.provision(directory);
        try (Baresip a = Baresip.start(alice.username(), alice.password(), 15097, 14461, "31520-31539", 440);
                Baresip b = Baresip.start(bob.username(), bob.password(), 15099, 14463, "31540-31559", 880)) {
            String callId = phoneCallsPhone(alice, a, bob, b);
            String bobToken = TestTokens.user(bob.accountId());
            try {
                // Bob holds by REST: both phones are re-INVITEd (his inactive, Alice's sendonly) and stop sending.
                given().auth().oauth2(bobToken).header("Idempotency-Key", UUID.randomUUID().toString())
                        .post("/v1/calls/" + callId + "/hold").then().statusCode(200).body("state",
                                org.hamcrest.Matchers.equalTo("held"));
                CallAudio.awaitBothSides(relay, callId, false);
                given().auth().oauth2(bobToken).header("Idempotency-Key", UUID.randomUUID().toString())
                        .post("/v1/calls/" + callId + "/resume").then().statusCode(200);
                CallAudio.awaitBothSides(relay, callId, true);

                // Alice holds on her phone (its re-INVITE with sendonly): the call is held, by her.
                a.command("hold");
                await().atMost(Duration.ofSeconds(10)).until(() -> "held".equals(given().auth().oauth2(bobToken)
                        .get("/v1/calls/" + callId).then().extract().path("state")));
                a.command("resume");
                await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(given().auth().oauth2(bobToken)
                        .get("/v1/calls/" + callId).then().extract().path("state")));
                CallAudio.awaitBothSides(relay, callId, true);
            } catch (Throwable e) {
                throw new AssertionError("A:\n" + a.log() + "\nB:\n" + b.log(), e);
            }
            b.command("hangup");
            awaitEndedAndReleased(alice.accountId(), callId, "call.created", "call.ringing", "call.answered",
                    "call.held", "call.resumed", "call.held", "call.resumed", "call.ended");
        }
    }

    @Test
    void dtmfPressedOnAPhoneReachesTheOtherDeviceAndRestDtmfReachesThePhoneAsInfo() throws Throwable {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        try (User bob = user(channel, 1);
                Baresip a = Baresip.start(alice.username(), alice.password(), 15101, 14465, "31560-31579")) {
            awaitRegistered(alice);
            a.command("dial", "sip:" + bob.id() + "@ucp.local");
            JsonNode offer = bob.device().awaitMessage("call.offer", m -> true);
            String callId = offer.path("callId").asText();
            bob.device().send(Map.of("type", "answer", "callId", callId));
            bob.device().awaitMessage("sdp", m -> callId.equals(m.path("callId").asText()));
            bob.device().send(Map.of("type", "sdp", "callId", callId, "description", Map.of("type", "answer",
                    "sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                            + "m=audio 31580 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                            + "a=rtpmap:101 telephone-event/8000\r\n")));
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> a.log().contains("Call established"));
                // Alice presses 5: an RFC 4733 event in her RTP; rtpengine reports it, Bob's device gets dtmf 5.
                a.command("sndcode", "5");
                JsonNode dtmf = bob.device().awaitMessage("dtmf", m -> callId.equals(m.path("callId").asText()));
                assertThat(dtmf.path("digits").asText()).isEqualTo("5");
                // Bob sends 7 by REST: Alice's phone gets it as SIP INFO (dtmf-relay).
                given().auth().oauth2(bob.token()).contentType(io.restassured.http.ContentType.JSON)
                        .header("Idempotency-Key", UUID.randomUUID().toString()).body(Map.of("digits", "7"))
                        .post("/v1/calls/" + callId + "/dtmf").then().statusCode(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> a.log().contains("received DTMF: '7'"));
            } catch (Throwable e) {
                throw new AssertionError("baresip:\n" + a.log(), e);
            }
            given().auth().oauth2(bob.token()).header("Idempotency-Key", UUID.randomUUID().toString())
                    .post("/v1/calls/" + callId + "/hangup").then().statusCode(200);
            awaitEndedAndReleased(alice.accountId(), callId);
        }
    }

    @Test
    void aPhoneCallsABrowserWhichAnswersAndHangsUp() throws Throwable {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        UUID bob = UUID.randomUUID();
        UUID bobDevice = UUID.randomUUID();
        IdentityDevices.registered(bob, bobDevice);
        String bobToken = TestTokens.user(bob);
        try (Baresip a = Baresip.start(alice.username(), alice.password(), 15087, 14457, "31480-31499");
                HeadlessChromium chromium = HeadlessChromium.start(base.getPort(), rtpFirst, rtpLast)) {
            awaitRegistered(alice);
            await().atMost(Duration.ofSeconds(30)).until(() -> CallTestSupport.await(() -> copies.isRegisteredTo(
                    bobDevice, bob)));
            String origin = "http://127.0.0.1:" + base.getPort();
            HeadlessChromium.Page page = chromium.open(origin + "/v1/");
            assertThat(page.evaluate(CallAudio.resource("webrtc/phone.js"))).isEqualTo("loaded");
            assertThat(page.evaluate("ucpPhone.connect('" + origin.replaceFirst("^http", "ws")
                    + "/v1/devices/channel?deviceId=" + bobDevice + "&access_token=" + bobToken + "')"))
                    .isEqualTo("ready");
            String reply = a.command("dial", "sip:" + bob + "@ucp.local");
            String callId;
            try {
                // The page auto-answers; it connects (ICE + DTLS with rtpengine) and hears the phone's sine.
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    JsonNode status = MAPPER.readTree(page.evaluate("ucpPhone.status()"));
                    return "connected".equals(status.path("connection").asText())
                            && status.path("audioBytesReceived").asLong() > 4000;
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> a.log().contains("Call established"));
                callId = activeCallOf(alice.accountId());
                CallAudio.awaitMediaBothWays(relay, callId);
            } catch (Throwable e) {
                throw new AssertionError("dial said " + reply + "; page: " + page.evaluate("ucpPhone.log.join(' ')")
                        + "\nbaresip:\n" + a.log(), e);
            }
            given().auth().oauth2(bobToken).header("Idempotency-Key", UUID.randomUUID().toString())
                    .post("/v1/calls/" + callId + "/hangup").then().statusCode(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.log().contains("session closed")
                    || a.log().contains("terminated"));
            awaitEndedAndReleased(alice.accountId(), callId);
            assertThat(CallAudio.rms(CallAudio.received(a))).as("RMS of what the phone received from the browser")
                    .isGreaterThan(0.01);
            page.close();
        }
    }

    /** Alice's phone {@code a} dials Bob's {@code b} by account id; returns the call's id once media flows both ways. */
    private String phoneCallsPhone(SipFixtures.Phone alice, Baresip a, SipFixtures.Phone bob, Baresip b)
            throws Exception {
        awaitRegistered(alice);
        awaitRegistered(bob);
        String reply = a.command("dial", "sip:" + bob.accountId() + "@ucp.local");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("Call established")
                    && b.log().contains("Call established"));
            String callId = activeCallOf(alice.accountId());
            CallAudio.awaitMediaBothWays(relay, callId);
            return callId;
        } catch (Throwable e) {
            throw new AssertionError("dial said " + reply + "\nA:\n" + a.log() + "\nB:\n" + b.log(), e);
        }
    }

    private void awaitRegistered(SipFixtures.Phone phone) {
        await().atMost(Duration.ofSeconds(15)).until(() -> registry.devicesOf(phone.accountId())
                .contains(phone.deviceId()));
    }

    private String activeCallOf(UUID account) {
        AtomicReference<String> id = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<String> ids = given().auth().oauth2(TestTokens.user(account)).get("/v1/calls").then()
                    .statusCode(200).extract().path("items.callId");
            if (ids.size() == 1) {
                id.set(ids.get(0));
            }
            return ids.size() == 1;
        });
        return id.get();
    }

    private void awaitEndedAndReleased(UUID account, String callId) throws Throwable {
        awaitEndedAndReleased(account, callId, "call.created", "call.ringing", "call.answered", "call.ended");
    }

    private void awaitEndedAndReleased(UUID account, String callId, String... events) throws Throwable {
        await().atMost(Duration.ofSeconds(10)).until(() -> "ended".equals(given().auth()
                .oauth2(TestTokens.user(account)).get("/v1/calls/" + callId).then().extract().path("state")));
        assertEvents(pool, UUID.fromString(callId), events);
        CallAudio.awaitReleased(relay, callId);
    }

}
