package io.ucp.signaling.sip;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.platform.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A phone's INVITE as the edge judges it, on the wire (raw SIP from a registered phone's credentials): challenged
 * (407) until its digest is right, refused for foreign domains, unknown targets and unregistered devices, placed
 * once however often it is re-sent, and cancelled by its CANCEL.
 */
@QuarkusTest
class PhoneInviteTest {

    private static final Pattern NONCE = Pattern.compile("nonce=\"([^\"]+)\"");
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 31392 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    SipDirectory directory;
    @Inject
    DeviceRegistry registry;
    @Inject
    Pool pool;
    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "ucp.redis.prefix")
    String prefix;

    @org.junit.jupiter.api.BeforeEach
    void clearThrottle() {
        // Every test phone is 127.0.0.1: start with that source's failure count at zero (see RegistrarTest).
        redis.key().del(prefix + "sip:fail:127.0.0.1");
    }

    @Test
    void anInviteIsChallengedRefusedWhereItMustBeAndPlacedOnceThenCancelled() throws Throwable {
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        Sipp.run("register.xml", 15089, "-s", alice.username(), "-au", alice.username(), "-ap",
                alice.password(), "-key", "expires", "300").assertPassed();
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.devicesOf(alice.accountId())
                .contains(alice.deviceId()));
        try (RawSip raw = new RawSip(); User bob = user(channel, 1)) {
            String target = bob.id() + "@ucp.local";
            // No credentials: 100 Trying, then a proxy challenge.
            String challenge = send(raw, invite(raw, "c1", 1, "b1", alice.username(), target, null));
            assertThat(RawSip.status(challenge)).isEqualTo(407);
            ack(raw, challenge, "c1", 1, "b1", target);
            // A wrong password is challenged again (and counted against the source).
            String wrong = send(raw, invite(raw, "c2", 1, "b2", alice.username(), target,
                    authorization(alice.username(), "not-the-password", nonce(challenge), target)));
            assertThat(RawSip.status(wrong)).isEqualTo(407);
            ack(raw, wrong, "c2", 1, "b2", target);
            // Not our domain: no open relay, before any credentials are looked at.
            String foreign = send(raw, invite(raw, "c3", 1, "b3", alice.username(), "someone@evil.example", null));
            assertThat(RawSip.status(foreign)).isEqualTo(403);
            ack(raw, foreign, "c3", 1, "b3", "someone@evil.example");
            // Our domain, nobody by that name in the dial plan.
            String nobody = authenticated(raw, alice, "c4", "nobody@ucp.local");
            assertThat(RawSip.status(nobody)).isEqualTo(404);
            // Right credentials, but the device has no registration: it is not ringable, so it cannot call either.
            SipFixtures.Phone carol = SipFixtures.provision(directory);
            String unregistered = authenticated(raw, carol, "c5", target);
            assertThat(RawSip.status(unregistered)).as("a device that is not registered cannot call").isEqualTo(403);

            // The right digest places the call: Bob's device rings, the phone hears 180.
            String nonce = nonce(send(raw, invite(raw, "c6", 1, "b6a", alice.username(), target, null)));
            ack(raw, null, "c6", 1, "b6a", target);
            String placing = invite(raw, "c6", 2, "b6b", alice.username(), target,
                    authorization(alice.username(), alice.password(), nonce, target));
            raw.send(placing);
            assertThat(untilStatus(raw, "c6", 180)).isEqualTo(180);
            JsonNode offer = bob.device().awaitMessage("call.offer", m -> true);
            String callId = offer.path("callId").asText();
            JsonNode sdp = bob.device().awaitMessage("sdp", m -> callId.equals(m.path("callId").asText()));
            assertThat(sdp.path("description").path("type").asText()).isEqualTo("offer");
            assertThat(sdp.path("fromDeviceId").asText()).isEqualTo(alice.deviceId().toString());
            // The same INVITE again (a UDP retransmission) and a new one with the same Call-ID: one call only.
            raw.send(placing);
            String merged = send(raw, invite(raw, "c6", 3, "b6c", alice.username(), target,
                    authorization(alice.username(), alice.password(), nonce, target)));
            assertThat(RawSip.status(merged)).isEqualTo(482);
            List<String> calls = given().auth().oauth2(TestTokens.user(alice.accountId())).get("/v1/calls").then()
                    .statusCode(200).extract().path("items.callId");
            assertThat(calls).containsExactly(callId);

            // CANCEL: 200 for it, 487 for the INVITE, the call ends cancelled.
            raw.send(RawSip.crlf("CANCEL sip:" + target + " SIP/2.0\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + raw.localPort() + ";rport;branch=z9hG4bKb6b\n"
                    + "Max-Forwards: 70\nTo: <sip:" + target + ">\nFrom: <sip:" + alice.username()
                    + "@ucp.local>;tag=c6f\nCall-ID: c6\nCSeq: 2 CANCEL\nContent-Length: 0\n\n"));
            assertThat(untilStatus(raw, "c6", 487)).isEqualTo(487);
            await().atMost(Duration.ofSeconds(10)).until(() -> "ended".equals(given().auth()
                    .oauth2(bob.token()).get("/v1/calls/" + callId).then().extract().path("state")));
            assertThat(given().auth().oauth2(bob.token()).get("/v1/calls/" + callId).then().extract()
                    .<String>path("endCause")).isEqualTo("cancelled");
            assertEvents(pool, UUID.fromString(callId), "call.created", "call.ringing", "call.ended");
        }
    }

    /** A challenge, then the INVITE again with a right digest for {@code phone}; returns the final response. */
    private static String authenticated(RawSip raw, SipFixtures.Phone phone, String callId, String target) {
        String challenge = send(raw, invite(raw, callId, 1, callId + "a", phone.username(), target, null));
        ack(raw, challenge, callId, 1, callId + "a", target);
        String response = send(raw, invite(raw, callId, 2, callId + "b", phone.username(), target,
                authorization(phone.username(), phone.password(), nonce(challenge), target)));
        ack(raw, response, callId, 2, callId + "b", target);
        return response;
    }

    private static String send(RawSip raw, String message) {
        raw.send(message);
        return raw.finalResponse(callIdOf(message));
    }

    /** Reads responses for {@code callId} until one has {@code status}; returns it. */
    private static int untilStatus(RawSip raw, String callId, int status) {
        for (int i = 0; i < 10; i++) {
            String response = raw.response(callId).orElseThrow(() -> new AssertionError("no " + status));
            if (RawSip.status(response) == status) {
                return status;
            }
        }
        throw new AssertionError("no " + status + " for " + callId);
    }

    private static String callIdOf(String message) {
        return RawSip.header(message, "Call-ID");
    }

    private static String invite(RawSip raw, String callId, int cseq, String branch, String user, String target,
            String auth) {
        String head = RawSip.crlf("INVITE sip:" + target + " SIP/2.0\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + raw.localPort() + ";rport;branch=z9hG4bK" + branch + "\n"
                + "Max-Forwards: 70\nTo: <sip:" + target + ">\nFrom: <sip:" + user + "@ucp.local>;tag=" + callId
                + "f\nCall-ID: " + callId + "\nCSeq: " + cseq + " INVITE\nContact: <sip:" + user + "@127.0.0.1:"
                + raw.localPort() + ">\n" + (auth == null ? "" : "Proxy-Authorization: " + auth + "\n")
                + "Content-Type: application/sdp\nContent-Length: " + SDP.getBytes(StandardCharsets.UTF_8).length
                + "\n\n");
        return head + SDP;
    }

    /** The ACK of a non-2xx final response (hop by hop, same branch), so the edge stops retransmitting it. */
    private static void ack(RawSip raw, String response, String callId, int cseq, String branch, String target) {
        String to = response == null ? "<sip:" + target + ">" : RawSip.header(response, "To");
        raw.send(RawSip.crlf("ACK sip:" + target + " SIP/2.0\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + raw.localPort() + ";rport;branch=z9hG4bK" + branch + "\n"
                + "Max-Forwards: 70\nTo: " + to + "\nFrom: <sip:x@ucp.local>;tag=" + callId + "f\nCall-ID: " + callId
                + "\nCSeq: " + cseq + " ACK\nContent-Length: 0\n\n"));
    }

    private static String nonce(String challenge) {
        Matcher matcher = NONCE.matcher(RawSip.header(challenge, "Proxy-Authenticate"));
        assertThat(matcher.find()).as("a nonce in " + challenge).isTrue();
        return matcher.group(1);
    }

    private static String authorization(String user, String password, String nonce, String target) {
        String uri = "sip:" + target;
        String ha1 = DigestNonces.md5(user + ":ucp.local:" + password);
        String response = DigestNonces.response(ha1, nonce, "00000001", "abc123", "INVITE", uri);
        return "Digest username=\"" + user + "\",realm=\"ucp.local\",nonce=\"" + nonce + "\",uri=\"" + uri
                + "\",response=\"" + response + "\",algorithm=MD5,qop=auth,nc=00000001,cnonce=\"abc123\"";
    }
}
