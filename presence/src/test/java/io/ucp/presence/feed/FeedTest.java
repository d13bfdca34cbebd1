package io.ucp.presence.feed;

import static io.ucp.presence.support.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.presence.support.Api;
import io.ucp.presence.support.Api.User;
import io.ucp.presence.support.CallEvents;
import io.ucp.presence.support.FeedClient;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The feed with real WebSocket clients: presence, resume, messaging, abuse, revocation. */
@QuarkusTest
class FeedTest {

    private static KafkaCompanion kafka;

    @TestHTTPResource("/")
    URL base;
    @Inject
    FeedFanoutStatus fanout;
    @Inject
    FeedHub hub;

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
                return VertxContextSupport.subscribeAndAwait(() -> fanout.assigned(List.of("feed-presence",
                        "feed-messages", "feed-identity", "call-events")));
            } catch (Throwable e) {
                return false;
            }
        });
    }

    int port() {
        return base.getPort();
    }

    static void approve(User watcher, User target) {
        String id = watcher.as().body(Map.of("targetAccountId", target.id())).post("/v1/presence/subscriptions")
                .then().statusCode(201).extract().path("id");
        target.as().post("/v1/presence/subscriptions/" + id + "/approve").then().statusCode(200);
    }

    @Test
    void changesByRestFeedAndCallReachTheApprovedWatcherInOrderAndNobodyElse() {
        User a = user();
        User b = user();
        User unapproved = user();
        User blocked = user();
        approve(a, b);
        unapproved.as().body(Map.of("targetAccountId", b.id())).post("/v1/presence/subscriptions").then().statusCode(201);
        String blockedId = blocked.as().body(Map.of("targetAccountId", b.id())).post("/v1/presence/subscriptions")
                .then().extract().path("id");
        b.as().post("/v1/presence/subscriptions/" + blockedId + "/block").then().statusCode(200);
        try (FeedClient feedA = FeedClient.open(port(), a);
                FeedClient feedU = FeedClient.open(port(), unapproved);
                FeedClient feedX = FeedClient.open(port(), blocked);
                FeedClient feedB = FeedClient.open(port(), b)) {
            JsonNode snapshot = feedA.ofType("snapshot").get(0);
            assertThat(snapshot.path("data").path("presence").findValuesAsText("accountId")).containsExactly(b.id().toString());
            // B's own feed made B available; then REST, B's feed, and a call.
            feedA.awaitFrame(f -> "available".equals(f.path("data").path("state").asText()));
            b.as().body(Map.of("state", "busy", "statusText", "writing")).put("/v1/presence/me").then().statusCode(200);
            feedA.awaitFrame(f -> "busy".equals(f.path("data").path("state").asText()));
            feedB.send("{\"type\":\"presence\",\"id\":\"p1\",\"state\":\"available\"}");
            feedB.awaitFrame(f -> "ack".equals(f.path("type").asText()) && "p1".equals(f.path("ref").asText()));
            UUID callId = UUID.randomUUID();
            kafka.produceStrings().fromRecords(new ProducerRecord<>("call.events.test", callId.toString(),
                    CallEvents.event("call.answered", callId, UUID.randomUUID(), b.id(), true, false)));
            await().atMost(Duration.ofSeconds(20)).until(() -> feedA.presenceStates(b.id()).contains("on-call"));
            assertThat(feedA.presenceStates(b.id())).containsExactly("available", "busy", "available", "on-call");
            List<Long> versions = feedA.ofType("presence").stream()
                    .map(f -> f.path("data").path("version").asLong()).toList();
            assertThat(versions).isSorted();
            assertSeqsIncrease(feedA);
            // Neither the pending nor the blocked watcher ever saw B.
            assertThat(feedU.presenceStates(b.id())).isEmpty();
            assertThat(feedX.presenceStates(b.id())).isEmpty();
            assertThat(feedU.ofType("snapshot").get(0).path("data").path("presence")).isEmpty();
        }
    }

    @Test
    void aDroppedDeviceTurnsOfflineAfterTheGraceAndAQuickReconnectShowsNothing() throws Exception {
        User a = user();
        User b = user();
        approve(a, b);
        try (FeedClient feedA = FeedClient.open(port(), a)) {
            FeedClient feedB = FeedClient.open(port(), b);
            await().atMost(Duration.ofSeconds(10)).until(() -> feedA.presenceStates(b.id()).contains("available"));
            // The snapshot showed B offline; nothing repeats it before B comes online.
            assertThat(feedA.presenceStates(b.id())).containsExactly("available");
            feedB.abort();
            long dropped = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).until(() -> feedA.presenceStates(b.id()).contains("offline"));
            assertThat(Duration.ofNanos(System.nanoTime() - dropped)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));

            // Back, then a drop and a reconnect within the grace period: A sees "available" once, nothing else.
            FeedClient again = FeedClient.open(port(), b);
            await().atMost(Duration.ofSeconds(10)).until(() -> feedA.presenceStates(b.id()).size() == 3);
            again.abort();
            FeedClient quick = FeedClient.open(port(), b);
            // For longer than the 3 s grace (an offline would have come by now) A sees no change.
            await().during(Duration.ofMillis(4500)).atMost(Duration.ofSeconds(8)).until(() ->
                    feedA.presenceStates(b.id()).equals(List.of("available", "offline", "available")));
            quick.close();
        }
    }

    @Test
    void resumeReplaysExactlyTheMissedFramesInOrder() {
        User a = user();
        User b = user();
        String conversation = Api.direct(a, b);
        FeedClient first = FeedClient.open(port(), a);
        String session = first.ofType("hello").get(0).path("data").path("sessionId").asText();
        Api.sendOk(b, conversation, "before");
        first.awaitType("message.created");
        long lastSeq = first.lastSeq();
        first.abort();
        for (int i = 1; i <= 3; i++) {
            Api.sendOk(b, conversation, "missed " + i);
        }
        // The frames were produced while A was away (the detached session keeps them).
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.session(session).seq() >= lastSeq + 3);
        try (FeedClient resumed = FeedClient.connect(port(), "access_token=" + a.token() + "&session=" + session
                + "&lastSeq=" + lastSeq)) {
            resumed.awaitType("resumed");
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.ofType("message.created").size() == 3);
            List<JsonNode> frames = resumed.frames;
            assertThat(frames.get(0).path("seq").asLong()).isEqualTo(lastSeq + 1);
            assertThat(resumed.ofType("message.created")).extracting(f -> f.path("data").path("body").asText())
                    .containsExactly("missed 1", "missed 2", "missed 3");
            assertThat(resumed.ofType("hello")).isEmpty();
            assertThat(resumed.ofType("snapshot")).isEmpty();
            assertSeqsIncrease(resumed);
            assertThat(frames.get(0).path("seq").asLong()).isEqualTo(lastSeq + 1);
            // Live frames continue the same sequence.
            Api.sendOk(b, conversation, "live");
            resumed.awaitFrame(f -> "live".equals(f.path("data").path("body").asText()));
            assertSeqsIncrease(resumed);
        }
    }

    @Test
    void beyondTheWindowTheClientIsToldToResync() {
        User a = user();
        User b = user();
        String conversation = Api.direct(a, b);
        FeedClient first = FeedClient.open(port(), a);
        String session = first.ofType("hello").get(0).path("data").path("sessionId").asText();
        long lastSeq = first.lastSeq();
        first.abort();
        // The test window keeps 30 frames: 35 missed messages are beyond it.
        for (int i = 0; i < 35; i++) {
            Api.sendOk(b, conversation, "flood " + i);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.session(session).seq() >= lastSeq + 35);
        try (FeedClient late = FeedClient.connect(port(), "access_token=" + a.token() + "&session=" + session
                + "&lastSeq=" + lastSeq)) {
            JsonNode snapshot = late.awaitType("snapshot");
            assertThat(late.frames.get(0).path("type").asText()).isEqualTo("hello");
            assertThat(late.frames.get(1).path("type").asText()).isEqualTo("resync");
            assertThat(snapshot.path("data").path("conversations").get(0).path("unreadCount").asLong()).isEqualTo(35);
            assertThat(late.ofType("message.created")).isEmpty();
        }
        // An unknown session also gets an explicit resync.
        try (FeedClient unknown = FeedClient.connect(port(), "access_token=" + a.token() + "&session=nope&lastSeq=3")) {
            unknown.awaitType("snapshot");
            assertThat(unknown.ofType("resync")).hasSize(1);
        }
    }

    @Test
    void messagingFlowsReachTheOtherParticipants() {
        User owner = user();
        User b = user();
        User c = user();
        User outsider = user();
        String group = Api.group(owner, "feed group", b, c);
        Api.sendOk(owner, group, "unread one");
        Api.sendOk(owner, group, "unread two");
        try (FeedClient feedB = FeedClient.open(port(), b);
                FeedClient feedC = FeedClient.open(port(), c);
                FeedClient feedOut = FeedClient.open(port(), outsider)) {
            JsonNode unread = feedB.ofType("snapshot").get(0).path("data").path("conversations").get(0);
            assertThat(unread.path("conversationId").asText()).isEqualTo(group);
            assertThat(unread.path("unreadCount").asLong()).isEqualTo(2);
            String message = Api.sendOk(c, group, "hello all");
            feedB.awaitFrame(f -> "message.created".equals(f.path("type").asText())
                    && "hello all".equals(f.path("data").path("body").asText()));
            c.as().body(Map.of("body", "hello all (edited)")).patch("/v1/conversations/" + group + "/messages/" + message)
                    .then().statusCode(200);
            feedB.awaitType("message.edited");
            owner.as().delete("/v1/conversations/" + group + "/messages/" + message).then().statusCode(204);
            JsonNode deleted = feedB.awaitType("message.deleted");
            assertThat(deleted.path("data").path("messageId").asText()).isEqualTo(message);
            // B reads over the feed; C gets the receipt.
            feedB.send("{\"type\":\"read\",\"id\":\"r\",\"conversationId\":\"" + group + "\",\"seq\":3}");
            JsonNode ack = feedB.awaitFrame(f -> "ack".equals(f.path("type").asText()) && "r".equals(f.path("ref").asText()));
            assertThat(ack.path("data").path("unreadCount").asLong()).isZero();
            JsonNode receipt = feedC.awaitType("read.updated");
            assertThat(receipt.path("data").path("accountId").asText()).isEqualTo(b.id().toString());
            assertThat(receipt.path("data").path("lastReadSeq").asLong()).isEqualTo(3);
            // Typing is ephemeral and goes to the others only.
            feedB.send("{\"type\":\"typing\",\"conversationId\":\"" + group + "\",\"typing\":true}");
            JsonNode typing = feedC.awaitType("typing");
            assertThat(typing.path("data").path("accountId").asText()).isEqualTo(b.id().toString());
            // An outsider may not type into it and sees none of it.
            feedOut.send("{\"type\":\"typing\",\"id\":\"t\",\"conversationId\":\"" + group + "\"}");
            JsonNode refused = feedOut.awaitType("error");
            assertThat(refused.path("data").path("status").asInt()).isEqualTo(404);
            assertThat(feedOut.ofType("message.created")).isEmpty();
            assertThat(feedB.ofType("typing")).isEmpty();
            assertThat(feedC.ofType("message.created")).extracting(f -> f.path("data").path("body").asText())
                    .containsExactly("hello all");
        }
    }

    @Test
    void badFramesGetErrorsOrACleanCloseAndOthersCarryOn() throws Exception {
        User a = user();
        User b = user();
        String conversation = Api.direct(a, b);
        try (FeedClient bystander = FeedClient.open(port(), b)) {
            FeedClient abuser = FeedClient.open(port(), a);
            abuser.send("{not json");
            assertThat(abuser.awaitType("error").path("data").path("code").asText()).isEqualTo("malformed-json");
            abuser.send("{\"type\":\"teleport\",\"id\":\"x\"}");
            abuser.awaitFrame(f -> "unknown-type".equals(f.path("data").path("code").asText()) && "x".equals(f.path("ref").asText()));
            abuser.send("{\"type\":\"presence\",\"state\":\"asleep\"}");
            abuser.awaitFrame(f -> "invalid-request".equals(f.path("data").path("code").asText()));
            abuser.send("{\"type\":\"heartbeat\",\"id\":\"h\"}");
            abuser.awaitFrame(f -> "ack".equals(f.path("type").asText()) && "h".equals(f.path("ref").asText()));
            // Flooding: rate-limited errors, then a clean policy close.
            for (int i = 0; i < 150 && !abuser.closed.isDone(); i++) {
                try {
                    abuser.send("{\"type\":\"heartbeat\"}");
                } catch (CompletionException e) {
                    break;
                }
            }
            assertThat(abuser.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
            assertThat(abuser.ofType("error")).anyMatch(f -> "rate-limited".equals(f.path("data").path("code").asText()));
            // Oversized: closed with 1009.
            FeedClient big = FeedClient.open(port(), a);
            big.send("{\"type\":\"heartbeat\",\"pad\":\"" + "x".repeat(20_000) + "\"}");
            assertThat(big.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
            // The instance is fine: the bystander still gets live frames.
            Api.sendOk(a, conversation, "still here");
            bystander.awaitFrame(f -> "still here".equals(f.path("data").path("body").asText()));
        }
    }

    /** Issue #10, finding 5: NUL (and other control characters) in a frame is the client's mistake: 400, not 500. */
    @Test
    void controlCharactersInAFrameAreRefusedWith400() throws Exception {
        User a = user();
        try (FeedClient feed = FeedClient.open(port(), a)) {
            feed.send("{\"type\":\"presence\",\"state\":\"available\",\"statusText\":\"a\\u0000b\",\"id\":\"n1\"}");
            JsonNode nul = feed.awaitFrame(f -> "n1".equals(f.path("ref").asText()));
            assertThat(nul.path("type").asText()).isEqualTo("error");
            assertThat(nul.path("data").path("status").asInt()).isEqualTo(400);
            assertThat(nul.path("data").path("code").asText()).isEqualTo("invalid-text");
            feed.send("{\"type\":\"presence\",\"state\":\"available\",\"statusText\":\"bell\\u0007\",\"id\":\"n2\"}");
            assertThat(feed.awaitFrame(f -> "n2".equals(f.path("ref").asText())).path("data").path("status").asInt())
                    .isEqualTo(400);
            feed.send("{\"type\":\"read\",\"conversationId\":\"\\u0000\",\"seq\":1,\"id\":\"n3\"}");
            assertThat(feed.awaitFrame(f -> "n3".equals(f.path("ref").asText())).path("data").path("status").asInt())
                    .isEqualTo(400);
            // A raw NUL is not JSON at all.
            feed.send("{\"type\":\"heartbeat\",\"x\":\"\u0000\",\"id\":\"n4\"}");
            feed.awaitFrame(f -> "malformed-json".equals(f.path("data").path("code").asText()));
            // Multi-line text stays fine, and the connection carries on.
            feed.send("{\"type\":\"presence\",\"state\":\"available\",\"statusText\":\"line\\nnext\",\"id\":\"ok\"}");
            assertThat(feed.awaitFrame(f -> "ok".equals(f.path("ref").asText())).path("type").asText()).isEqualTo("ack");
            assertThat(feed.ofType("error")).noneMatch(f -> f.path("data").path("status").asInt() >= 500);
        }
    }

    /** Issue #10, finding 12: an account may hold at most ucp.feed.max-connections-per-account feeds (20). */
    @Test
    void anAccountsFeedConnectionsAreCapped() throws Exception {
        User a = user();
        List<FeedClient> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                FeedClient feed = FeedClient.open(port(), a);
                feed.awaitType("snapshot");
                open.add(feed);
            }
            CompletionException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> FeedClient.connect(port(), "access_token=" + a.token()), CompletionException.class);
            assertThat(refused.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
            assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
                    .isEqualTo(429);
            // Another account is not affected.
            try (FeedClient other = FeedClient.open(port(), user())) {
                other.awaitType("snapshot");
            }
            // One closes: its slot is free again.
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                FeedClient again = FeedClient.connect(port(), "access_token=" + a.token());
                open.add(again);
                again.awaitType("snapshot");
            });
        } finally {
            open.forEach(FeedClient::close);
        }
    }

    @Test
    void authenticationWorksFromABrowserAndARevokedTokenClosesTheFeed() throws Exception {
        User a = user();
        // No or bad token: the upgrade is refused.
        assertThat(catchUpgrade("")).isTrue();
        assertThat(catchUpgrade("access_token=not.a.token")).isTrue();
        // The subprotocol way (what a browser can do): "ucp.feed.v1, bearer.<token>".
        try (FeedClient viaProtocol = FeedClient.connect(URI.create("ws://127.0.0.1:" + port() + "/v1/feed"),
                "ucp.feed.v1,bearer." + a.token())) {
            viaProtocol.awaitType("snapshot");
            assertThat(viaProtocol.subprotocol()).isEqualTo("ucp.feed.v1");
        }
        String sessionId = UUID.randomUUID().toString();
        String token = io.ucp.presence.platform.TestTokens.withSession(a.id(), sessionId, java.time.Instant.now());
        FeedClient feed = FeedClient.connect(port(), "access_token=" + token);
        feed.awaitType("snapshot");
        String revoked = """
                {"specversion":"1.0","id":"%s","source":"/ucp/identity","type":"session.revoked","time":"%s",
                 "data":{"accountId":"%s","sessionId":"%s"}}""".formatted(UUID.randomUUID(), java.time.OffsetDateTime.now(),
                a.id(), sessionId);
        kafka.produceStrings().fromRecords(new ProducerRecord<>("identity.events.test", a.id().toString(), revoked));
        assertThat(feed.closed.get(20, TimeUnit.SECONDS)).isEqualTo(1008);
        await().atMost(Duration.ofSeconds(10)).until(() -> catchUpgrade("access_token=" + token));
    }

    private boolean catchUpgrade(String query) {
        try {
            FeedClient.connect(port(), query).close();
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof java.net.http.WebSocketHandshakeException handshake
                    && handshake.getResponse().statusCode() == 401;
        }
    }

    static void assertSeqsIncrease(FeedClient client) {
        List<Long> seqs = client.frames.stream().map(f -> f.path("seq").asLong()).toList();
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(seqs.get(i - 1) + 1);
        }
    }
}
