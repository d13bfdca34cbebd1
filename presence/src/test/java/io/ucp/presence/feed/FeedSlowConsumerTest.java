package io.ucp.presence.feed;

import static io.ucp.presence.support.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.presence.support.Api.User;
import io.ucp.presence.support.FeedClient;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The slow-consumer policy with real sockets: a client that stops reading lets TCP back-pressure build until more
 * than {@code ucp.feed.max-pending-frames} frames are unflushed; it is then closed with 1013, a reading client of
 * the same events is never held up, and the dropped session resumes without losing a frame.
 */
@QuarkusTest
class FeedSlowConsumerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Large frames fill the loopback socket buffers in a few hundred frames instead of tens of thousands. */
    private static final String PAD = "x".repeat(32 * 1024);
    private static final int BATCH = 10;
    /** Bound on the load: far more than socket buffers + the pending limit take on loopback. */
    private static final int MAX_FRAMES = 2000;

    private static KafkaCompanion kafka;

    @TestHTTPResource("/")
    URL base;
    @Inject
    FeedFanoutStatus fanout;
    @Inject
    FeedHub hub;
    @Inject
    FeedConfig config;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @BeforeEach
    void fanoutIsLive() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                return VertxContextSupport.subscribeAndAwait(() -> fanout.assigned(List.of("feed-messages")));
            } catch (Throwable e) {
                return false;
            }
        });
    }

    @Test
    void aClientThatStopsReadingIsClosedWith1013OthersKeepReceivingAndItResumesWithoutLoss() {
        User slow = user();
        User reader = user();
        UUID conversation = UUID.randomUUID();
        StallingClient stalled = StallingClient.open(base.getPort(), slow);
        String session = stalled.ofType("hello").get(0).path("data").path("sessionId").asText();
        stalled.stopReading();
        try (FeedClient other = FeedClient.open(base.getPort(), reader)) {
            // Produce in batches until the server gives up on the stalled socket; each batch must reach the reading
            // client first, so it is never held up by the stalled one (both get every frame, the stalled one first).
            int produced = 0;
            while (hub.session(session).connection() != null) {
                assertThat(produced).as("frames produced without a slow-consumer close").isLessThan(MAX_FRAMES);
                produce(conversation, slow, reader, produced + 1, BATCH);
                produced += BATCH;
                int expected = produced;
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                        .until(() -> messages(other.frames).size() >= expected);
            }
            int atClose = produced;
            assertThat(atClose).isGreaterThan(config.maxPendingFrames());
            // It really stopped reading: it holds (almost) nothing of what was produced for it.
            assertThat(messages(stalled.frames).size()).isLessThan(BATCH);
            // The session survives the close and keeps numbering frames while detached.
            produce(conversation, slow, reader, atClose + 1, 5);
            int total = atClose + 5;
            await().atMost(Duration.ofSeconds(10)).until(() -> messages(other.frames).size() == total);
            assertThat(messages(other.frames)).containsExactlyElementsOf(bodies(1, total));
            long sessionSeq = hub.session(session).seq();

            // The client reads again: what the server flushed before giving up arrives, then the 1013 close.
            stalled.readAgain();
            assertThat(stalled.closed).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(1013);
            long lastSeq = stalled.lastSeq();
            assertThat(sessionSeq - lastSeq).as("frames missed").isPositive()
                    .isLessThanOrEqualTo(config.replayFrames());

            try (FeedClient resumed = FeedClient.connect(base.getPort(), "access_token=" + slow.token()
                    + "&session=" + session + "&lastSeq=" + lastSeq)) {
                resumed.awaitType("resumed");
                assertThat(resumed.ofType("hello")).isEmpty();
                assertThat(resumed.ofType("resync")).isEmpty();
                // Before the close + replayed after it = every frame once, in order, with no gap in the sequence.
                assertThat(resumed.frames.get(0).path("seq").asLong()).isEqualTo(lastSeq + 1);
                List<JsonNode> all = Stream.concat(stalled.frames.stream(), resumed.frames.stream())
                        .filter(f -> f.path("seq").asLong() <= sessionSeq).toList();
                assertThat(all).extracting(f -> f.path("seq").asLong())
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, sessionSeq).boxed().toList());
                assertThat(messages(all)).containsExactlyElementsOf(bodies(1, total));
                // Live frames continue the same sequence on the resumed connection.
                produce(conversation, slow, reader, total + 1, 1);
                JsonNode live = resumed.awaitFrame(f -> ("m" + (total + 1)).equals(body(f)));
                assertThat(live.path("seq").asLong()).isGreaterThan(sessionSeq);
            }
        } finally {
            stalled.abort();
        }
    }

    private static void produce(UUID conversation, User a, User b, int from, int count) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            records.add(new ProducerRecord<>("message.events.test", conversation.toString(),
                    messageCreated(conversation, a.id(), b.id(), n)));
        }
        kafka.produceStrings().fromRecords(records).awaitCompletion(Duration.ofSeconds(20));
    }

    /** message.created as presence's outbox publishes it (participantIds drive the fan-out). */
    private static String messageCreated(UUID conversation, UUID a, UUID b, int n) {
        return """
                {"specversion":"1.0","id":"%s","source":"/ucp/presence","type":"message.created",
                 "subject":"conversations/%s","time":"%s","sequence":"%d","datacontenttype":"application/json",
                 "data":{"conversationId":"%s","messageId":"%s","seq":%d,"senderAccountId":"%s",
                   "clientMessageId":null,"body":"m%d","padding":"%s","attachments":[],"createdAt":"%s",
                   "editedAt":null,"participantIds":["%s","%s"]}}
                """.formatted(UUID.randomUUID(), conversation, OffsetDateTime.now(), n, conversation,
                UUID.randomUUID(), n, b, n, PAD, OffsetDateTime.now(), a, b);
    }

    private static String body(JsonNode frame) {
        return frame.path("data").path("body").asText();
    }

    private static List<String> messages(List<JsonNode> frames) {
        return frames.stream().filter(f -> "message.created".equals(f.path("type").asText()))
                .map(FeedSlowConsumerTest::body).toList();
    }

    private static List<String> bodies(int from, int to) {
        return Stream.iterate(from, n -> n + 1).limit(to - from + 1L).map(n -> "m" + n).toList();
    }

    /**
     * A java.net.http feed client whose reader can stop asking for frames: the JDK then stops reading the socket,
     * so the server's writes back up in TCP exactly as with a stalled or very slow device.
     */
    private static final class StallingClient {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile boolean reading = true;
        private volatile WebSocket socket;

        static StallingClient open(int port, User user) {
            StallingClient client = new StallingClient();
            client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/feed?access_token=" + user.token()),
                            client.listener())
                    .join();
            await().atMost(Duration.ofSeconds(20)).until(() -> !client.ofType("snapshot").isEmpty());
            return client;
        }

        void stopReading() {
            reading = false;
        }

        void readAgain() {
            reading = true;
            socket.request(Long.MAX_VALUE);
        }

        void abort() {
            socket.abort();
        }

        List<JsonNode> ofType(String type) {
            return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
        }

        long lastSeq() {
            return frames.isEmpty() ? 0 : frames.get(frames.size() - 1).path("seq").asLong();
        }

        private WebSocket.Listener listener() {
            return new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        try {
                            frames.add(MAPPER.readTree(partial.toString()));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        partial.setLength(0);
                    }
                    if (reading) {
                        webSocket.request(1);
                    }
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(statusCode);
                    return null;
                }

                @Override
                public void onError(WebSocket webSocket, Throwable error) {
                    closed.complete(-1);
                }
            };
        }
    }
}
