package io.ucp.signaling.media;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.await;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.user;
import static io.ucp.signaling.media.MediaRelayTest.endpoint;
import static io.ucp.signaling.media.MediaRelayTest.rtpPacket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.media.MediaRelayTest.Sdp;
import io.ucp.signaling.platform.TestTokens;
import jakarta.inject.Inject;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Server-side recording of a call anchored in rtpengine: a 440 Hz PCMU tone one way, 880 Hz the other, through the
 * real relay; the stored WAV holds each tone in its own channel, is as long as what was sent, and only the call's
 * parties (and admins) get it.
 */
@QuarkusTest
class ServerRecordingTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    MediaRelay relay;
    @TestHTTPResource("/v1/devices/channel")
    URI channel;

    @Test
    void anAnchoredCallIsRecordedByTheServerIntoAWavWithOneChannelPerDirection() throws Exception {
        try (User alice = user(channel, 1); User bob = user(channel, 1); DatagramSocket a = endpoint();
                DatagramSocket b = endpoint()) {
            UUID callId = call(alice, bob);
            action(bob, callId, "answer").statusCode(200);
            String media = callId.toString();
            MediaLeg leg = new MediaLeg(media, "alice", null, Profile.RTP, Profile.RTP);
            int relayForB = Sdp.port(await(() -> relay.offer(leg, Sdp.plain(a.getLocalPort(), "0"))));
            int relayForA = Sdp.port(await(() -> relay.answer(leg.withToTag("bob"), Sdp.plain(b.getLocalPort(), "0"))));
            try {
                String recordingId = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                        .header("Idempotency-Key", "srv-" + callId).body(Map.of())
                        .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(201)
                        .body("state", equalTo("recording")).body("contentType", equalTo("audio/wav"))
                        .body("url", nullValue()).extract().path("recordingId");

                // 3 s each way, Alice first. RTP timestamps place the samples, so the packets need no real-time
                // pacing; they go in batches that rtpengine has relayed before the next (it drops bursts of >50).
                long sent = 0;
                for (int seq = 0; seq < 150; seq += 25) {
                    sendTone(a, relayForA, 0x1111, 440, 25, seq);
                    sendTone(b, relayForB, 0x2222, 880, 25, seq);
                    sent += 50;
                    awaitRelayed(media, sent);
                }

                given().auth().oauth2(bob.token()).when()
                        .post("/v1/calls/" + callId + "/recordings/" + recordingId + "/stop").then().statusCode(200)
                        .body("state", equalTo("stopped")).body("durationSeconds", equalTo(3));

                String url = given().auth().oauth2(bob.token()).when()
                        .get("/v1/calls/" + callId + "/recordings/" + recordingId).then().statusCode(200)
                        .body("contentType", equalTo("audio/wav")).extract().path("url");
                long size = given().auth().oauth2(alice.token()).when()
                        .get("/v1/calls/" + callId + "/recordings/" + recordingId).then().statusCode(200)
                        .extract().jsonPath().getLong("sizeBytes");
                HttpResponse<byte[]> wav = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(wav.statusCode()).isEqualTo(200);
                assertThat(wav.headers().firstValue("Content-Type")).hasValue("audio/wav");
                assertThat((long) wav.body().length).isEqualTo(size);

                Wav audio = Wav.read(wav.body());
                assertThat(audio.channels).isEqualTo(2);
                assertThat(audio.rate).isEqualTo(8000);
                assertThat(audio.frames()).isBetween(24_000, 24_000 + 800); // 3 s, B started a moment later
                assertDominant(audio.channel(0), 440);
                assertDominant(audio.channel(1), 880);

                given().auth().oauth2(TestTokens.user(UUID.randomUUID())).when()
                        .get("/v1/calls/" + callId + "/recordings/" + recordingId).then().statusCode(404);
                given().auth().oauth2(TestTokens.user(UUID.randomUUID())).when()
                        .post("/v1/calls/" + callId + "/recordings/" + recordingId + "/stop").then().statusCode(404);
                // Stopped already: a second stop is a conflict, not a second conversion.
                given().auth().oauth2(alice.token()).when()
                        .post("/v1/calls/" + callId + "/recordings/" + recordingId + "/stop").then().statusCode(409);

                // A recording still running when the call's media is released is finished from the closed pcap.
                String second = given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of())
                        .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(201)
                        .extract().path("recordingId");
                for (int seq = 150; seq < 200; seq += 25) {
                    sendTone(a, relayForA, 0x1111, 440, 25, seq);
                    sent += 25;
                    awaitRelayed(media, sent);
                }
                await(() -> relay.delete(media)); // fires MediaReleased: RecordingService finishes the recording
                await().atMost(Duration.ofSeconds(15)).until(() -> "stopped".equals(given().auth()
                        .oauth2(bob.token()).when().get("/v1/calls/" + callId + "/recordings/" + second).then()
                        .statusCode(200).extract().path("state")));
                given().auth().oauth2(bob.token()).when()
                        .get("/v1/calls/" + callId + "/recordings/" + second).then().statusCode(200)
                        .body("durationSeconds", equalTo(1))
                        // 1 s of stereo 8 kHz; rtpengine may start the pcap a packet (20 ms = 640 bytes) or two after
                        // the first RTP arrives, as the first recording's frame count above also allows.
                        .body("sizeBytes", org.hamcrest.Matchers.allOf(
                                org.hamcrest.Matchers.greaterThanOrEqualTo(44 + 8000 * 4 - 2 * 640),
                                org.hamcrest.Matchers.lessThanOrEqualTo(44 + 8000 * 4)));
            } finally {
                await(() -> relay.delete(media));
                action(alice, callId, "hangup");
            }
        }
    }

    @Test
    void aCallWithoutAnchoredMediaIsStillRecordedByItsClients() throws Exception {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            action(bob, callId, "answer").statusCode(200);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                    .body(Map.of("contentType", "audio/ogg", "sizeBytes", 1000))
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(201)
                    .body("contentType", equalTo("audio/ogg")).body("url", org.hamcrest.Matchers.startsWith("http"));
            action(alice, callId, "hangup").statusCode(200);
        }
    }

    // ---- tones and their analysis

    private void awaitRelayed(String media, long packets) {
        await().atMost(Duration.ofSeconds(10)).until(() -> await(() -> relay.query(media)).rtpPackets() >= packets);
    }

    private static void sendTone(DatagramSocket from, int toPort, int ssrc, double hz, int packets, int firstSeq)
            throws Exception {
        for (int p = 0; p < packets; p++) {
            int seq = firstSeq + p;
            byte[] payload = new byte[160];
            for (int i = 0; i < 160; i++) {
                double t = (seq * 160 + i) / 8000.0;
                payload[i] = ulaw((int) (12000 * Math.sin(2 * Math.PI * hz * t)));
            }
            from.send(rtpPacket(seq, ssrc, 0, payload, toPort));
        }
    }

    /** G.711 µ-law encoder (the classic Sun reference). */
    private static byte ulaw(int sample) {
        int sign = (sample >> 8) & 0x80;
        if (sign != 0) {
            sample = -sample;
        }
        sample = Math.min(sample, 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** The tone carries most of the channel's energy: far above any other probe frequency. */
    private static void assertDominant(short[] samples, double hz) {
        double target = goertzel(samples, hz);
        assertThat(target).as("energy at %s Hz", hz).isGreaterThan(1e12);
        for (double other : new double[] {220, 440, 660, 880, 1000, 1760, 2500}) {
            if (other != hz) {
                assertThat(goertzel(samples, other)).as("energy at %s Hz next to %s Hz", other, hz)
                        .isLessThan(target / 100);
            }
        }
    }

    private static double goertzel(short[] x, double hz) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / 8000);
        double s1 = 0;
        double s2 = 0;
        for (short v : x) {
            double s = v + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    private record Wav(int channels, int rate, short[] interleaved) {

        static Wav read(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new String(bytes, 0, 4)).isEqualTo("RIFF");
            assertThat(new String(bytes, 8, 4)).isEqualTo("WAVE");
            assertThat(b.getShort(20)).isEqualTo((short) 1);
            assertThat(b.getShort(34)).isEqualTo((short) 16);
            int dataLength = b.getInt(40);
            assertThat(dataLength).isEqualTo(bytes.length - 44);
            short[] samples = new short[dataLength / 2];
            b.position(44);
            b.asShortBuffer().get(samples);
            return new Wav(b.getShort(22), b.getInt(24), samples);
        }

        int frames() {
            return interleaved.length / channels;
        }

        short[] channel(int c) {
            short[] out = new short[frames()];
            for (int i = 0; i < out.length; i++) {
                out[i] = interleaved[i * channels + c];
            }
            return out;
        }
    }
}
