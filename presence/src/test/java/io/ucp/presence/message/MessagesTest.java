package io.ucp.presence.message;

import static io.ucp.presence.support.Api.direct;
import static io.ucp.presence.support.Api.group;
import static io.ucp.presence.support.Api.send;
import static io.ucp.presence.support.Api.sendOk;
import static io.ucp.presence.support.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.presence.platform.events.IncomingEvent;
import io.ucp.presence.support.Api.User;
import io.ucp.presence.support.contract.InvalidRequests;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MessagesTest {

    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> events;

    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
        events = kafka.consumeStrings().withGroupId("messages-test-" + UUID.randomUUID())
                .withAutoCommit().fromTopics("message.events.test");
    }

    @AfterAll
    static void close() {
        events.close();
        kafka.close();
    }

    @Test
    void sendEditDeleteWithTombstoneAndEventsInOrder() {
        User a = user();
        User b = user();
        String id = direct(a, b);
        String m1 = a.as().body(Map.of("body", "hello")).post("/v1/conversations/" + id + "/messages").then()
                .statusCode(201).body("seq", equalTo(1)).body("senderAccountId", equalTo(a.id().toString()))
                .body("deleted", equalTo(false)).extract().path("id");
        a.as().body(Map.of("body", "hello, edited")).patch("/v1/conversations/" + id + "/messages/" + m1).then()
                .statusCode(200).body("body", equalTo("hello, edited")).body("editedAt", notNullValue());
        b.as().body(Map.of("body", "not yours")).patch("/v1/conversations/" + id + "/messages/" + m1).then()
                .statusCode(403).contentType("application/problem+json");
        b.as().delete("/v1/conversations/" + id + "/messages/" + m1).then().statusCode(403);
        a.as().delete("/v1/conversations/" + id + "/messages/" + m1).then().statusCode(204);
        a.as().delete("/v1/conversations/" + id + "/messages/" + m1).then().statusCode(204);
        b.as().get("/v1/conversations/" + id + "/messages/" + m1).then().statusCode(200)
                .body("deleted", equalTo(true)).body("body", nullValue()).body("deletedBy", equalTo(a.id().toString()))
                .body("seq", equalTo(1));
        a.as().body(Map.of("body", "again")).patch("/v1/conversations/" + id + "/messages/" + m1).then()
                .statusCode(409);
        b.as().body(Map.of("seq", 1)).post("/v1/conversations/" + id + "/read").then().statusCode(200)
                .body("lastReadSeq", equalTo(1)).body("unreadCount", equalTo(0));

        List<IncomingEvent> received = awaitEvents(id, 4);
        assertThat(received).extracting(IncomingEvent::type)
                .containsExactly("conversation.updated", "message.created", "message.edited", "message.deleted",
                        "read.updated");
        IncomingEvent created = received.get(1);
        assertThat(created.data().path("body").asText()).isEqualTo("hello");
        assertThat(created.data().path("seq").asLong()).isEqualTo(1);
        assertThat(created.data().path("messageId").asText()).isEqualTo(m1);
        assertThat(created.data().path("participantIds")).hasSize(2);
        assertThat(received.get(3).data().path("deletedBy").asText()).isEqualTo(a.id().toString());
        assertThat(received.get(4).data().path("accountId").asText()).isEqualTo(b.id().toString());
        assertThat(received.get(4).data().path("lastReadSeq").asLong()).isEqualTo(1);
    }

    @Test
    void ownersAndAdminsDeleteAnyMessageOfAGroup() {
        User owner = user();
        User member = user();
        User other = user();
        String id = group(owner, "moderated", member, other);
        String m = sendOk(member, id, "spam");
        other.as().delete("/v1/conversations/" + id + "/messages/" + m).then().statusCode(403);
        owner.as().delete("/v1/conversations/" + id + "/messages/" + m).then().statusCode(204);
        other.as().get("/v1/conversations/" + id + "/messages/" + m).then()
                .body("deleted", equalTo(true)).body("deletedBy", equalTo(owner.id().toString()));
        other.as().delete("/v1/conversations/" + id + "/messages/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void aRetriedSendIsHarmless() {
        User a = user();
        User b = user();
        String id = direct(a, b);
        Map<String, Object> body = Map.of("body", "once", "clientMessageId", "c-1");
        String first = a.as().body(body).post("/v1/conversations/" + id + "/messages").then().statusCode(201)
                .extract().path("id");
        a.as().body(body).post("/v1/conversations/" + id + "/messages").then().statusCode(200)
                .body("id", equalTo(first)).body("seq", equalTo(1));
        a.as().body(Map.of("body", "different", "clientMessageId", "c-1")).post("/v1/conversations/" + id + "/messages")
                .then().statusCode(422).contentType("application/problem+json");
        // The Idempotency-Key header does the same for clients that do not send an id.
        String second = a.as().header("Idempotency-Key", "k-2").body(Map.of("body", "twice?"))
                .post("/v1/conversations/" + id + "/messages").then().statusCode(201).body("seq", equalTo(2))
                .extract().path("id");
        a.as().header("Idempotency-Key", "k-2").body(Map.of("body", "twice?"))
                .post("/v1/conversations/" + id + "/messages").then().statusCode(200).body("id", equalTo(second));
        b.as().get("/v1/conversations/" + id).then().body("lastMessageSeq", equalTo(2)).body("unreadCount", equalTo(2));
        // The same client id from another sender is another message.
        b.as().body(Map.of("body", "mine", "clientMessageId", "c-1")).post("/v1/conversations/" + id + "/messages")
                .then().statusCode(201).body("seq", equalTo(3));
    }

    @Test
    @InvalidRequests("sends an empty clientMessageId, a negative seq and a non-UUID path id on purpose")
    void badMessagesAreRefusedNamingTheField() {
        User a = user();
        String id = direct(a, user());
        send(a, id, "x".repeat(4001)).statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("body"));
        send(a, id, "   ").statusCode(400).body("errors.field", hasItem("body"));
        a.as().body(Map.of("body", "ok", "clientMessageId", "")).post("/v1/conversations/" + id + "/messages")
                .then().statusCode(400).body("errors.field", hasItem("clientMessageId"));
        send(a, id, "x".repeat(4000)).statusCode(201);
        a.as().body(Map.of("seq", -1)).post("/v1/conversations/" + id + "/read").then().statusCode(400)
                .body("errors.field", hasItem("seq"));
        a.as().queryParam("cursor", "bm90LWEtY3Vyc29y").get("/v1/conversations/" + id + "/messages").then()
                .statusCode(400).body("errors.field", hasItem("cursor"));
        a.as().get("/v1/conversations/not-a-uuid/messages").then().statusCode(404);
    }

    @Test
    void pagesWalkBothWaysBySeq() {
        User a = user();
        User b = user();
        String id = direct(a, b);
        IntStream.rangeClosed(1, 7).forEach(i -> sendOk(i % 2 == 0 ? b : a, id, "m" + i));
        var newest = a.as().queryParam("limit", 3).get("/v1/conversations/" + id + "/messages").then().statusCode(200)
                .body("items.body", contains("m5", "m6", "m7")).extract();
        String older = newest.path("olderCursor");
        var middle = a.as().queryParam("limit", 3).queryParam("cursor", older).get("/v1/conversations/" + id + "/messages")
                .then().body("items.seq", contains(2, 3, 4)).extract();
        a.as().queryParam("limit", 3).queryParam("cursor", (String) middle.path("olderCursor"))
                .get("/v1/conversations/" + id + "/messages").then()
                .body("items.seq", contains(1)).body("olderCursor", nullValue());
        // Forward from the middle page, then the tail cursor sees only what comes later.
        String tail = a.as().queryParam("limit", 3).queryParam("cursor", (String) middle.path("newerCursor"))
                .get("/v1/conversations/" + id + "/messages").then().body("items.seq", contains(5, 6, 7))
                .extract().path("newerCursor");
        a.as().queryParam("cursor", tail).get("/v1/conversations/" + id + "/messages").then()
                .body("items.size()", equalTo(0));
        sendOk(b, id, "m8");
        a.as().queryParam("cursor", tail).get("/v1/conversations/" + id + "/messages").then()
                .body("items.body", contains("m8"));
    }

    @Test
    void unreadCountsFollowTheReadHorizon() {
        User owner = user();
        User reader = user();
        String id = group(owner, "unread", reader);
        sendOk(owner, id, "1");
        sendOk(owner, id, "2");
        String third = sendOk(owner, id, "3");
        reader.as().get("/v1/conversations/" + id).then().body("unreadCount", equalTo(3)).body("lastReadSeq", equalTo(0));
        sendOk(reader, id, "my own does not count");
        owner.as().get("/v1/conversations/" + id).then().body("unreadCount", equalTo(1)).body("lastReadSeq", equalTo(3));
        // Sending marks the conversation read up to one's own message; reading back to 1 does not move it back.
        reader.as().get("/v1/conversations/" + id).then().body("unreadCount", equalTo(0)).body("lastReadSeq", equalTo(4));
        reader.as().body(Map.of("seq", 1)).post("/v1/conversations/" + id + "/read").then().statusCode(200)
                .body("lastReadSeq", equalTo(4));
        owner.as().get("/v1/conversations/" + id).then().body("unreadCount", equalTo(1));
        owner.as().body(Map.of("seq", 999)).post("/v1/conversations/" + id + "/read").then().statusCode(200)
                .body("lastReadSeq", equalTo(4)).body("unreadCount", equalTo(0));
        sendOk(owner, id, "5");
        owner.as().delete("/v1/conversations/" + id + "/messages/" + third).then().statusCode(204);
        User late = user();
        owner.as().body(Map.of("accountId", late.id())).post("/v1/conversations/" + id + "/participants").then()
                .statusCode(201);
        // A deleted message is not unread; the newcomer sees the history as unread.
        late.as().get("/v1/conversations/" + id).then().body("unreadCount", equalTo(4));
        reader.as().get("/v1/conversations").then().body("items.find { it.id == '" + id + "' }.unreadCount",
                equalTo(1));
    }

    private List<IncomingEvent> awaitEvents(String conversationId, int atLeastIndex) {
        await().atMost(Duration.ofSeconds(20)).until(() -> recordsFor(conversationId).size() > atLeastIndex);
        return recordsFor(conversationId).stream().map(r -> IncomingEvent.parse(mapper, r.value())).toList();
    }

    private static List<ConsumerRecord<String, String>> recordsFor(String key) {
        return events.getRecords().stream().filter(r -> key.equals(r.key())).toList();
    }
}
