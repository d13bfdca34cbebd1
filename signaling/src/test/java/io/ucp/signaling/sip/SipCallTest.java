package io.ucp.signaling.sip;

import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.originate;
import static io.ucp.signaling.call.CallTestSupport.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.device.DeviceRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A REST call to a user whose SIP phone (sipp) is registered: the phone is a device of the call model, gets an
 * INVITE with the caller's SDP offer, answers (200 + SDP, relayed back to the caller), and the caller's hang-up
 * sends it a BYE. call.events: exactly created, ringing, answered, ended.
 */
@QuarkusTest
class SipCallTest {

    private static final String OFFER_SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 31390 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    SipDirectory directory;
    @Inject
    DeviceRegistry registry;
    @Inject
    Pool pool;

    @Test
    void aRestCallRingsTheRegisteredPhoneWhichAnswersAndTheHangUpSendsBye() throws Throwable {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        Sipp.run("register.xml", 15075, "-s", alice.username(), "-au", alice.username(), "-ap",
                alice.password(), "-key", "expires", "300").assertPassed();
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.devicesOf(alice.accountId())
                .contains(alice.deviceId()));
        // The phone: sipp's built-in UAS on the registered contact (180, 200 with SDP, ACK, BYE → 200).
        Sipp.Run phone = Sipp.start("uas", 15075);
        try (User bob = user(channel, 1)) {
            String id = originate(bob, alice.accountId(), null).statusCode(201).extract().path("callId");
            UUID callId = UUID.fromString(id);
            bob.device().send(Map.of("type", "sdp", "callId", id, "description",
                    Map.of("type", "offer", "sdp", OFFER_SDP)));
            JsonNode answer = bob.device().awaitMessage("sdp", m -> id.equals(m.path("callId").asText()));
            assertThat(answer.path("description").path("type").asText()).isEqualTo("answer");
            assertThat(answer.path("description").path("sdp").asText()).contains("m=audio");
            assertThat(answer.path("fromDeviceId").asText()).isEqualTo(alice.deviceId().toString());
            await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(given().auth().oauth2(bob.token())
                    .get("/v1/calls/" + id).then().extract().path("state")));
            action(bob, callId, "hangup").statusCode(200);
            // sipp's UAS saw INVITE, ACK and BYE.
            Sipp.finish(phone).assertPassed();
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.ended");
        } finally {
            phone.kill();
        }
    }

    @Test
    void aBusyPhoneEndsTheCallBusyAndARemovedPhoneIsNoLongerRingable() throws Throwable {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        Sipp.run("register.xml", 15076, "-s", alice.username(), "-au", alice.username(), "-ap",
                alice.password(), "-key", "expires", "300").assertPassed();
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.devicesOf(alice.accountId())
                .contains(alice.deviceId()));
        Sipp.Run phone = Sipp.start("busy.xml", 15076);
        try (User bob = user(channel, 1)) {
            String id = originate(bob, alice.accountId(), null).statusCode(201).extract().path("callId");
            bob.device().send(Map.of("type", "sdp", "callId", id, "description",
                    Map.of("type", "offer", "sdp", OFFER_SDP)));
            Sipp.finish(phone).assertPassed(); // it saw the INVITE and the ACK of its 486
            await().atMost(Duration.ofSeconds(10)).until(() -> "ended".equals(given().auth().oauth2(bob.token())
                    .get("/v1/calls/" + id).then().extract().path("state")));
            assertThat(given().auth().oauth2(bob.token()).get("/v1/calls/" + id).then().extract()
                    .<String>path("endCause")).isEqualTo("busy");
            assertEvents(pool, UUID.fromString(id), "call.created", "call.ringing", "call.ended");
        } finally {
            phone.kill();
        }
        SipFixtures.publish(alice.accountId(), "device.removed", Map.of("accountId", alice.accountId().toString(),
                "deviceId", alice.deviceId().toString()));
        await().atMost(Duration.ofSeconds(5)).until(() -> !registry.devicesOf(alice.accountId())
                .contains(alice.deviceId()));
    }

    /** baresip, with the credentials as identity issued them, registers, rings for a REST call and auto-answers. */
    @Test
    void baresipRegistersAndAnswersARestCall() throws Throwable {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        try (Baresip phone = Baresip.start(alice.username(), alice.password(), 15077, 14447, "31380-31399");
                User bob = user(channel, 1)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> registry.devicesOf(alice.accountId())
                    .contains(alice.deviceId()));
            assertThat(directory.contacts(alice.deviceId()).await().indefinitely()).singleElement()
                    .satisfies(c -> assertThat(c.uri()).contains("127.0.0.1:15077"));
            String id = originate(bob, alice.accountId(), null).statusCode(201).extract().path("callId");
            bob.device().send(Map.of("type", "sdp", "callId", id, "description",
                    Map.of("type", "offer", "sdp", OFFER_SDP)));
            JsonNode answer = bob.device().awaitMessage("sdp", m -> id.equals(m.path("callId").asText()));
            assertThat(answer.path("description").path("sdp").asText()).contains("m=audio").contains("PCMU");
            await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(given().auth().oauth2(bob.token())
                    .get("/v1/calls/" + id).then().extract().path("state")));
            action(bob, UUID.fromString(id), "hangup").statusCode(200);
            // baresip reports the BYE it received as "session closed: Connection reset by peer" (libre: ECONNRESET).
            await().atMost(Duration.ofSeconds(10)).until(() -> phone.log().contains("session closed")
                    || phone.log().contains("terminated"));
            assertEvents(pool, UUID.fromString(id), "call.created", "call.ringing", "call.answered", "call.ended");
        }
    }
}
