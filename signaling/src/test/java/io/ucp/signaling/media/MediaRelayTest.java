package io.ucp.signaling.media;

import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.await;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallTestSupport.User;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The media relay against the real rtpengine (the one `deploy/local/ucp` starts, ng port from the test profile). */
@QuarkusTest
class MediaRelayTest {

    @Inject
    MediaRelay relay;
    @Inject
    RtpEngineRelay rtpengine;
    @Inject
    StaleMediaSweeper sweeper;
    @Inject
    NgClient ng;
    @Inject
    MediaConfig config;
    @Inject
    Vertx vertx;
    @TestHTTPResource("/v1/devices/channel")
    URI channel;

    @Test
    void rtpengineAnswersAPing() throws Exception {
        assertThat(await(() -> relay.ping())).isTrue();
    }

    @Test
    void plainRtpFlowsBothWaysThroughTheRelayAndIsCounted() throws Exception {
        String callId = UUID.randomUUID().toString();
        try (DatagramSocket a = endpoint(); DatagramSocket b = endpoint()) {
            MediaLeg leg = new MediaLeg(callId, "alice", null, Profile.RTP, Profile.RTP);
            String toB = await(() -> relay.offer(leg, Sdp.plain(a.getLocalPort(), "0 8 101")));
            String toA = await(() -> relay.answer(leg.withToTag("bob"), Sdp.plain(b.getLocalPort(), "0 101")));
            int relayForA = Sdp.port(toA);
            int relayForB = Sdp.port(toB);
            assertThat(relayForA).isBetween(31000, 31299).isNotEqualTo(a.getLocalPort());
            assertThat(toB).contains("c=IN IP4 127.0.0.1").contains("RTP/AVP 0 8 101").doesNotContain("ice-");

            for (int seq = 0; seq < 10; seq++) {
                a.send(rtp(seq, 0x1234, (byte) 0xFF, relayForA));
                DatagramPacket got = receive(b);
                assertThat(got.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
                assertThat(got.getPort()).isEqualTo(relayForB);
                assertThat(got.getLength()).isEqualTo(172);
                b.send(rtp(seq, 0x5678, (byte) 0x7F, relayForB));
                DatagramPacket back = receive(a);
                assertThat(back.getPort()).isEqualTo(relayForA);
            }
            MediaStats stats = await(() -> relay.query(callId));
            assertThat(stats.rtpPackets()).isEqualTo(20);
            assertThat(stats.rtpBytes()).isEqualTo(20 * 172);
            assertThat(stats.side("alice").rtpPackets()).isEqualTo(10);
            assertThat(stats.side("bob").rtpPackets()).isEqualTo(10);
            assertThat(stats.side("alice").codec()).isEqualTo("PCMU/8000");
        } finally {
            await(() -> relay.delete(callId));
        }
        // Released: rtpengine no longer knows the call, and a second delete is fine.
        assertThatThrownBy(() -> await(() -> relay.query(callId))).isInstanceOfSatisfying(MediaRelayException.class,
                e -> assertThat(e.reason()).isEqualTo(MediaRelayException.Reason.NOT_FOUND));
        await(() -> relay.delete(callId));
        await(() -> relay.delete(UUID.randomUUID().toString()));
    }

    @Test
    void aBrowserOfferReachesTheSipSideAsPlainRtpAndTheAnswerGoesBackAsWebRtc() throws Exception {
        String callId = UUID.randomUUID().toString();
        try {
            MediaLeg leg = new MediaLeg(callId, "browser", null, Profile.WEBRTC, Profile.RTP);
            String toSip = await(() -> relay.offer(leg, Sdp.webrtc(40000, "actpass", "0")));
            String media = Sdp.mediaLine(toSip);
            assertThat(media).startsWith("m=audio ").contains(" RTP/AVP ");
            assertThat(toSip).doesNotContain("a=ice-ufrag").doesNotContain("a=fingerprint").doesNotContain("a=setup")
                    .doesNotContain("a=candidate").doesNotContain("SAVPF").doesNotContain("a=extmap:")
                    .contains("a=rtpmap:111 opus/48000/2").contains("a=rtpmap:0 PCMU/8000");

            String toBrowser = await(() -> relay.answer(leg.withToTag("phone"), Sdp.plain(40100, "0")));
            assertThat(Sdp.mediaLine(toBrowser)).contains(" UDP/TLS/RTP/SAVPF ");
            assertThat(toBrowser).contains("a=rtcp-mux").contains("a=fingerprint:sha-256 ").contains("a=ice-ufrag:")
                    .contains("a=ice-pwd:").contains(" typ host").contains("a=mid:0").contains("a=setup:passive")
                    .doesNotContain("a=crypto");
        } finally {
            await(() -> relay.delete(callId));
        }
    }

    @Test
    void aSipOfferReachesTheBrowserAsWebRtcWithAGeneratedMidWhichTheAnswerEchoes() throws Exception {
        String callId = UUID.randomUUID().toString();
        try {
            MediaLeg leg = new MediaLeg(callId, "phone", null, Profile.RTP, Profile.WEBRTC);
            String toBrowser = await(() -> relay.offer(leg, Sdp.plain(40200, "0 8 101")));
            assertThat(Sdp.mediaLine(toBrowser)).contains(" UDP/TLS/RTP/SAVPF ");
            assertThat(toBrowser).contains("a=rtcp-mux").contains("a=setup:actpass").contains("a=fingerprint:")
                    .contains("a=ice-ufrag:").contains(" typ host").doesNotContain("a=crypto");
            String mid = toBrowser.lines().filter(l -> l.startsWith("a=mid:")).findFirst().orElseThrow().substring(6);

            String toPhone = await(() -> relay.answer(leg.withToTag("browser"), Sdp.webrtc(40300, "active", mid)));
            assertThat(Sdp.mediaLine(toPhone)).contains(" RTP/AVP ");
            assertThat(toPhone).doesNotContain("a=ice-").doesNotContain("a=fingerprint").doesNotContain("a=setup")
                    .doesNotContain("a=candidate").doesNotContain("a=rtcp-mux").contains("a=rtcp:");
        } finally {
            await(() -> relay.delete(callId));
        }
    }

    @Test
    void codecsTheSidesDoNotShareAreTranscoded() throws Exception {
        // A offers PCMA only; rtpengine adds PCMU (ucp.signaling.media.transcode) to what B is offered; B answers
        // PCMU only. A still sees its PCMA, and rtpengine transcodes what A sends into PCMU for B.
        String callId = UUID.randomUUID().toString();
        try (DatagramSocket a = endpoint(); DatagramSocket b = endpoint()) {
            MediaLeg leg = new MediaLeg(callId, "a", null, Profile.RTP, Profile.RTP);
            String toB = await(() -> relay.offer(leg, Sdp.plain(a.getLocalPort(), "8")));
            assertThat(Sdp.mediaLine(toB)).contains("RTP/AVP 8 0");
            String toA = await(() -> relay.answer(leg.withToTag("b"), Sdp.plain(b.getLocalPort(), "0")));
            assertThat(Sdp.mediaLine(toA)).endsWith("RTP/AVP 8");
            a.send(rtp(0, 0x42, (byte) 0xD5, Sdp.port(toA), 8));
            DatagramPacket got = receive(b);
            assertThat(got.getData()[1] & 0x7F).as("payload type B receives").isEqualTo(0);
        } finally {
            await(() -> relay.delete(callId));
        }
    }

    @Test
    void staleSessionsOfCallsNotActiveAreReleasedOthersStay() throws Exception {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID active = call(alice, bob);
            action(bob, active, "answer").statusCode(200);
            UUID ended = call(alice, carol);
            action(alice, ended, "hangup").statusCode(200);
            String unknown = UUID.randomUUID().toString();
            String notACall = "not-a-call-" + UUID.randomUUID();
            for (String id : List.of(active.toString(), ended.toString(), unknown, notACall)) {
                await(() -> relay.offer(new MediaLeg(id, "x", null, Profile.RTP, Profile.RTP), Sdp.plain(40400, "0")));
            }
            // Another deployment's session on the same rtpengine (another prefix) is never touched.
            String foreign = "other-deployment-" + unknown;
            await(() -> ng.request(Map.of("command", "offer", "call-id", foreign, "from-tag", "x",
                    "sdp", Sdp.plain(40500, "0"))));
            try {
                // Young sessions are left alone: their call may still be being committed.
                assertThat(await(() -> sweeper.sweep(Duration.ofMinutes(5))).deleted())
                        .doesNotContain(ended.toString(), unknown);

                StaleMediaSweeper.Result swept = await(() -> sweeper.sweep(Duration.ofSeconds(-5)));
                assertThat(swept.deleted()).contains(ended.toString(), unknown, notACall)
                        .doesNotContain(active.toString());
                assertThat(await(() -> relay.query(active.toString())).callId()).isEqualTo(active.toString());
                assertThat(await(() -> ng.request(Map.of("command", "query", "call-id", foreign))))
                        .containsEntry("result", "ok");
                assertThatThrownBy(() -> await(() -> relay.query(unknown))).isInstanceOf(MediaRelayException.class);
            } finally {
                await(() -> relay.delete(active.toString()));
                await(() -> ng.request(Map.of("command", "delete", "call-id", foreign)));
            }
        }
    }

    @Test
    void rtpengineDownIsATimeoutNotAHang() throws Exception {
        int closed;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        NgClient nobody = new NgClient(vertx, config, "127.0.0.1", closed);
        try {
            assertThatThrownBy(() -> await(() -> nobody.request(Map.of("command", "ping"))))
                    .isInstanceOfSatisfying(MediaRelayException.class,
                            e -> assertThat(e.reason()).isEqualTo(MediaRelayException.Reason.TIMEOUT));
            assertThat(nobody.pendingCount()).isZero();
            RtpEngineRelay down = new RtpEngineRelay(nobody, config);
            assertThat(await(down::ping)).isFalse();
        } finally {
            nobody.close();
        }
    }

    @Test
    void aLostRequestIsRetransmittedWithTheSameCookieAndAMalformedReplyFailsTyped() throws Exception {
        try (DatagramSocket fake = endpoint()) {
            fake.setSoTimeout(5000);
            NgClient client = new NgClient(vertx, config, "127.0.0.1", fake.getLocalPort());
            try {
                CompletableFuture<Object> outcome = new CompletableFuture<>();
                vertx.runOnContext(v -> client.request(Map.of("command", "ping")).subscribe()
                        .with(outcome::complete, outcome::complete));
                DatagramPacket first = receive(fake); // dropped: no reply
                byte[] firstBytes = Arrays.copyOf(first.getData(), first.getLength());
                DatagramPacket second = receive(fake);
                byte[] secondBytes = Arrays.copyOf(second.getData(), second.getLength());
                assertThat(secondBytes).isEqualTo(firstBytes);
                String cookie = NgCodec.cookie(secondBytes);
                byte[] garbage = (cookie + " d6:result").getBytes(StandardCharsets.US_ASCII);
                fake.send(new DatagramPacket(garbage, garbage.length, second.getSocketAddress()));
                Object result = outcome.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(result).isInstanceOfSatisfying(MediaRelayException.class,
                        e -> assertThat(e.reason()).isEqualTo(MediaRelayException.Reason.MALFORMED));
                // A late duplicate reply for the finished request is dropped, and the client keeps working.
                byte[] pong = (cookie + " d6:result4:ponge").getBytes(StandardCharsets.US_ASCII);
                fake.send(new DatagramPacket(pong, pong.length, second.getSocketAddress()));
                assertThat(client.pendingCount()).isZero();
            } finally {
                client.close();
            }
        }
    }

    @Test
    void requestsWaitingForAReplyAreBounded() throws Exception {
        MediaConfig two = (MediaConfig) java.lang.reflect.Proxy.newProxyInstance(MediaConfig.class.getClassLoader(),
                new Class<?>[] {MediaConfig.class},
                (proxy, method, args) -> "maxPending".equals(method.getName()) ? 2 : method.invoke(config, args));
        try (DatagramSocket silent = endpoint()) {
            NgClient client = new NgClient(vertx, two, "127.0.0.1", silent.getLocalPort());
            try {
                List<CompletableFuture<Object>> outcomes = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    CompletableFuture<Object> outcome = new CompletableFuture<>();
                    outcomes.add(outcome);
                    client.request(Map.of("command", "ping")).subscribe().with(outcome::complete, outcome::complete);
                }
                assertThat(outcomes.get(2).get(5, java.util.concurrent.TimeUnit.SECONDS))
                        .isInstanceOfSatisfying(MediaRelayException.class,
                                e -> assertThat(e.reason()).isEqualTo(MediaRelayException.Reason.OVERLOADED));
                for (int i = 0; i < 2; i++) {
                    assertThat(outcomes.get(i).get(10, java.util.concurrent.TimeUnit.SECONDS))
                            .isInstanceOfSatisfying(MediaRelayException.class,
                                    e -> assertThat(e.reason()).isEqualTo(MediaRelayException.Reason.TIMEOUT));
                }
                assertThat(client.pendingCount()).isZero();
            } finally {
                client.close();
            }
        }
    }

    @Test
    void badArgumentsFailWithoutReachingRtpengine() {
        assertThatThrownBy(() -> new MediaLeg("", "a", null, Profile.RTP, Profile.RTP))
                .isInstanceOf(IllegalArgumentException.class);
        MediaLeg leg = new MediaLeg(UUID.randomUUID().toString(), "a", null, Profile.RTP, Profile.RTP);
        assertThatThrownBy(() -> await(() -> relay.offer(leg, "not sdp"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> await(() -> relay.answer(leg, Sdp.plain(1, "0"))))
                .isInstanceOf(IllegalArgumentException.class);
        // rtpengine's own refusal is REJECTED: an answer for a call it never saw an offer for.
        assertThatThrownBy(() -> await(() -> relay.answer(leg.withToTag("b"), Sdp.plain(40600, "0"))))
                .isInstanceOfSatisfying(MediaRelayException.class, e -> assertThat(e.reason())
                        .isIn(MediaRelayException.Reason.NOT_FOUND, MediaRelayException.Reason.REJECTED));
    }

    // ---- helpers

    static DatagramSocket endpoint() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout(3000);
        return s;
    }

    static DatagramPacket receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no packet within " + s.getSoTimeout() + " ms on port " + s.getLocalPort(), e);
        }
        return p;
    }

    static DatagramPacket rtp(int seq, int ssrc, byte fill, int toPort) throws Exception {
        return rtp(seq, ssrc, fill, toPort, 0);
    }

    static DatagramPacket rtp(int seq, int ssrc, byte fill, int toPort, int pt) throws Exception {
        byte[] payload = new byte[160];
        Arrays.fill(payload, fill);
        return rtpPacket(seq, ssrc, pt, payload, toPort);
    }

    static DatagramPacket rtpPacket(int seq, int ssrc, int pt, byte[] payload, int toPort) throws Exception {
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) pt;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        long ts = seq * 160L;
        p[4] = (byte) (ts >> 24);
        p[5] = (byte) (ts >> 16);
        p[6] = (byte) (ts >> 8);
        p[7] = (byte) ts;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        System.arraycopy(payload, 0, p, 12, payload.length);
        return new DatagramPacket(p, p.length, new InetSocketAddress("127.0.0.1", toPort));
    }

    /** SDP bodies as SIP phones and Chromium send them (from spec/voice-probe/ng_client.py). */
    static final class Sdp {

        static String plain(int port, String pts) {
            StringBuilder s = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                    + "t=0 0\r\nm=audio " + port + " RTP/AVP " + pts + "\r\n");
            for (String pt : pts.split(" ")) {
                s.append(switch (pt) {
                    case "0" -> "a=rtpmap:0 PCMU/8000\r\n";
                    case "8" -> "a=rtpmap:8 PCMA/8000\r\n";
                    case "111" -> "a=rtpmap:111 opus/48000/2\r\n";
                    case "101" -> "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";
                    default -> throw new IllegalArgumentException(pt);
                });
            }
            return s.append("a=ptime:20\r\na=sendrecv\r\n").toString();
        }

        static String webrtc(int port, String setup, String mid) {
            String fp = "AB:".repeat(31) + "CD";
            return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                    + "a=group:BUNDLE " + mid + "\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS stream1\r\n"
                    + "m=audio " + port + " UDP/TLS/RTP/SAVPF 111 0 126\r\nc=IN IP4 127.0.0.1\r\n"
                    + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
                    + "a=candidate:1 1 udp 2122260223 127.0.0.1 " + port + " typ host generation 0 network-id 1\r\n"
                    + "a=ice-ufrag:Brws\r\na=ice-pwd:browserpassword0123456789\r\na=ice-options:trickle\r\n"
                    + "a=fingerprint:sha-256 " + fp + "\r\na=setup:" + setup + "\r\na=mid:" + mid + "\r\n"
                    + "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=sendrecv\r\n"
                    + "a=msid:stream1 track1\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
                    + "a=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                    + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:126 telephone-event/8000\r\na=ssrc:1111 cname:abcd\r\n";
        }

        static String mediaLine(String sdp) {
            return sdp.lines().filter(l -> l.startsWith("m=audio")).findFirst().orElseThrow();
        }

        static int port(String sdp) {
            return Integer.parseInt(mediaLine(sdp).split(" ")[1]);
        }
    }

}
