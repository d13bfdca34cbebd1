package io.ucp.signaling.sip;

import static io.ucp.signaling.sip.RawSip.crlf;
import static io.ucp.signaling.sip.RawSip.resource;
import static io.ucp.signaling.sip.RawSip.status;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.sip.SipFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The SIP edge against RFC 4475's torture messages (test resources sip/torture/*.sip, from the RFC's text) and
 * hostile input: valid messages parse, invalid requests get 400 (505 for an unknown SIP version), a response nobody
 * asked for is dropped, and the edge keeps answering.
 */
@QuarkusTest
class SipEdgeTest {

    @TestHTTPResource(value = "/", management = true)
    java.net.URL management;

    private static MessageFactory parser;

    @BeforeAll
    static void parser() throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        parser = factory.createMessageFactory();
    }

    /** RFC 4475 §3.1.1 (valid requests): they parse, and are answered as any request for a domain not ours. */
    @ParameterizedTest
    @ValueSource(strings = {"wsinv", "esc01", "lwsdisp", "semiuri", "transports", "zeromf"})
    void validTortureRequestsParse(String name) throws Exception {
        String message = crlf(resource("torture/" + name + ".sip"));
        Request parsed = ((gov.nist.javax.sip.message.MessageFactoryImpl) parser).createRequest(message);
        assertThat(parsed.getHeader("Call-ID").toString()).contains(name);
        try (RawSip sip = new RawSip()) {
            sip.send(sip.viaUs(message, name + UUID.randomUUID()));
            String response = sip.finalResponse(name);
            // example.com/.net/.org are not our domain: 403 (no relay) proves it was parsed and judged, not refused.
            assertThat(status(response)).as(response).isEqualTo(Response.FORBIDDEN);
        }
    }

    /** RFC 4475 §3.1.2 and §3.3.x: malformed requests get 400 Bad Request, never a crash or silence. */
    @ParameterizedTest
    @ValueSource(strings = {"badinv01", "clerr", "scalar02", "scalarlg", "quotbal", "ltgtruri", "lwsruri", "lwsstart",
            "trws", "escruri", "baddate", "regbadct", "badaspec", "baddn", "mismatch01", "mismatch02", "multi01",
            "mcl01"})
    void invalidTortureRequestsGet400(String name) {
        try (RawSip sip = new RawSip()) {
            sip.send(sip.viaUs(crlf(resource("torture/" + name + ".sip")), name + UUID.randomUUID()));
            String response = sip.finalResponse(name);
            assertThat(status(response)).as(response).isEqualTo(Response.BAD_REQUEST);
            assertEdgeAnswers(sip);
        }
    }

    /**
     * RFC 4475 §3.3.x insuf (no Call-ID, From, To): "ideally" 400, but no response can be built that the sender
     * could match (JAIN-SIP builds its 400 from those headers), so it is dropped; the edge goes on answering.
     */
    @Test
    void aRequestWithoutCallIdFromAndToIsDropped() {
        try (RawSip sip = new RawSip()) {
            sip.send(sip.viaUs(crlf(resource("torture/insuf.sip")), "insuf" + UUID.randomUUID()));
            String probe = "after-insuf-" + UUID.randomUUID();
            sip.send(sip.options(probe));
            String first = sip.response(null).orElseThrow();
            assertThat(first).contains(probe);
        }
    }

    /** RFC 4475 §3.1.2.16: an unknown SIP version gets 505. */
    @Test
    void unknownVersionGets505() {
        try (RawSip sip = new RawSip()) {
            sip.send(sip.viaUs(crlf(resource("torture/badvers.sip")), "badvers" + UUID.randomUUID()));
            assertThat(status(sip.finalResponse("badvers"))).isEqualTo(Response.VERSION_NOT_SUPPORTED);
        }
    }

    /**
     * Responses matching no transaction of ours (RFC 4475 §3.1.1.12-13 valid ones, §3.1.2.19 with a 10-digit
     * status) are dropped: a response is never answered. The edge still answers what comes next.
     */
    @ParameterizedTest
    @ValueSource(strings = {"noreason", "unreason", "bigcode"})
    void strayResponsesAreDropped(String name) {
        try (RawSip sip = new RawSip()) {
            sip.send(crlf(resource("torture/" + name + ".sip")));
            String probe = "after-" + name + UUID.randomUUID();
            sip.send(sip.options(probe));
            // The first datagram to reach us is the probe's answer: nothing came back for the stray response.
            String first = sip.response(null).orElseThrow();
            assertThat(first).contains(probe);
            assertThat(status(first)).isEqualTo(Response.OK);
        }
    }

    @Test
    void optionsToOurDomainIsAnsweredOverUdpAndTcp() throws Exception {
        try (RawSip sip = new RawSip()) {
            assertEdgeAnswers(sip);
        }
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), new RawSip().serverPort)) {
            String callId = "tcp-" + UUID.randomUUID();
            OutputStream out = tcp.getOutputStream();
            out.write(crlf("OPTIONS sip:ucp.local SIP/2.0\nVia: SIP/2.0/TCP 127.0.0.1:" + tcp.getLocalPort()
                    + ";branch=z9hG4bK" + callId + "\nMax-Forwards: 70\nTo: <sip:ucp.local>\n"
                    + "From: <sip:probe@ucp.local>;tag=1\nCall-ID: " + callId + "\nCSeq: 1 OPTIONS\n"
                    + "Content-Length: 0\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            tcp.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(tcp.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void requestsForOtherDomainsAreRefused() {
        try (RawSip sip = new RawSip()) {
            String callId = "relay-" + UUID.randomUUID();
            sip.send(sip.options(callId).replace("OPTIONS sip:ucp.local", "OPTIONS sip:someone@carrier.example"));
            assertThat(status(sip.finalResponse(callId))).isEqualTo(Response.FORBIDDEN);
        }
    }

    @Test
    void anOversizedRequestIsRefused() {
        try (RawSip sip = new RawSip()) {
            String callId = "big-" + UUID.randomUUID();
            String body = "x".repeat(20_000);
            String message = sip.options(callId).replace("Content-Length: 0\r\n\r\n",
                    "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            sip.send(message);
            // Refused before parsing (the limit is checked on the raw datagram): 400, like any malformed request.
            assertThat(status(sip.finalResponse(callId))).isEqualTo(Response.BAD_REQUEST);
            assertEdgeAnswers(sip);
        }
    }

    /** A flood of garbage and malformed requests (bounded) leaves the edge answering and the service ready. */
    @Test
    void aThousandBadMessagesLeaveTheEdgeReady() {
        try (RawSip sip = new RawSip()) {
            String bad = crlf(resource("torture/mismatch01.sip")).replace("mismatch01.", "flood.");
            // In batches, each answered before the next (UDP drops what a full socket buffer cannot hold).
            for (int batch = 0; batch < 20; batch++) {
                for (int i = 0; i < 50; i++) {
                    sip.send(i % 2 == 0 ? "\u0000garbage " + i + "\r\n\r\n" : sip.viaUs(bad, "flood" + batch + "-" + i));
                }
                for (int i = 0; i < 25; i++) {
                    assertThat(status(sip.finalResponse("flood."))).isEqualTo(Response.BAD_REQUEST);
                }
            }
        }
        try (RawSip probe = new RawSip()) {
            assertEdgeAnswers(probe);
        }
        given().port(management.getPort()).get("/q/health/ready").then().statusCode(200);
    }

    private static void assertEdgeAnswers(RawSip sip) {
        String callId = "probe-" + UUID.randomUUID();
        sip.send(sip.options(callId));
        String response = sip.finalResponse(callId);
        assertThat(status(response)).isEqualTo(Response.OK);
    }
}
