package io.ucp.presence.conversation;

import static io.ucp.presence.support.Api.direct;
import static io.ucp.presence.support.Api.group;
import static io.ucp.presence.support.Api.sendOk;
import static io.ucp.presence.support.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.ucp.presence.support.Api;
import io.ucp.presence.support.Api.User;
import io.ucp.presence.support.contract.InvalidRequests;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ConversationsTest {

    @Inject
    ActiveChats activeChats;

    @Test
    void aDirectConversationIsOnePerPair() {
        User a = user();
        User b = user();
        String id = direct(a, b);
        // B asking for the same pair gets the same conversation, not a second one.
        b.as().body(Map.of("kind", "direct", "participantIds", List.of(a.id()))).post("/v1/conversations")
                .then().statusCode(200).body("id", equalTo(id)).body("kind", equalTo("direct"))
                .body("participantCount", equalTo(2))
                .body("directPair", containsInAnyOrder(a.id().toString(), b.id().toString()));
        a.as().get("/v1/conversations/" + id).then().statusCode(200).body("myRole", equalTo("member"));
    }

    @Test
    @InvalidRequests("sends an unknown kind and malformed JSON on purpose, to see the 400s")
    void aDirectConversationNeedsExactlyOneOtherPerson() {
        User a = user();
        a.as().body(Map.of("kind", "direct", "participantIds", List.of(a.id()))).post("/v1/conversations")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("participantIds"));
        a.as().body(Map.of("kind", "direct", "participantIds", List.of(UUID.randomUUID(), UUID.randomUUID())))
                .post("/v1/conversations").then().statusCode(400).body("errors.field", hasItem("participantIds"));
        a.as().body(Map.of("kind", "gossip")).post("/v1/conversations")
                .then().statusCode(400).body("errors.field", hasItem("kind"));
        a.as().body(Map.of("kind", "group")).post("/v1/conversations")
                .then().statusCode(400).body("errors.field", hasItem("name"));
        a.as().body("{\"kind\":").post("/v1/conversations").then().statusCode(400)
                .contentType("application/problem+json");
        String direct = direct(a, user());
        a.as().body(Map.of("name", "x")).patch("/v1/conversations/" + direct).then().statusCode(422);
        a.as().delete("/v1/conversations/" + direct + "/participants/" + a.id()).then().statusCode(422);
    }

    @Test
    @InvalidRequests("also calls without a token on purpose, to see the 401")
    void aNonParticipantSeesNothing() {
        User a = user();
        User b = user();
        User stranger = user();
        String id = direct(a, b);
        String message = sendOk(a, id, "private");
        stranger.as().get("/v1/conversations/" + id).then().statusCode(404).contentType("application/problem+json");
        stranger.as().get("/v1/conversations/" + id + "/messages").then().statusCode(404);
        stranger.as().get("/v1/conversations/" + id + "/messages/" + message).then().statusCode(404);
        stranger.as().get("/v1/conversations/" + id + "/participants").then().statusCode(404);
        Api.send(stranger, id, "hi").statusCode(404);
        stranger.as().body(Map.of("seq", 1)).post("/v1/conversations/" + id + "/read").then().statusCode(404);
        stranger.as().post("/v1/conversations/" + id + "/join").then().statusCode(404);
        stranger.as().delete("/v1/conversations/" + id + "/messages/" + message).then().statusCode(404);
        stranger.as().get("/v1/conversations/" + UUID.randomUUID()).then().statusCode(404);
        io.restassured.RestAssured.given().get("/v1/conversations/" + id).then().statusCode(401);
    }

    @Test
    @InvalidRequests("sends an accountId that is not a UUID and an empty name on purpose, to see the 400s")
    void groupRolesGovernInviteRemoveRenameAndLeave() {
        User owner = user();
        User admin = user();
        User member = user();
        User newcomer = user();
        String id = group(owner, "Team", member);
        // Only owners add admins; members add nobody.
        member.as().body(Map.of("accountId", newcomer.id())).post("/v1/conversations/" + id + "/participants")
                .then().statusCode(403).contentType("application/problem+json");
        owner.as().body(Map.of("accountId", admin.id(), "role", "admin"))
                .post("/v1/conversations/" + id + "/participants").then().statusCode(201).body("role", equalTo("admin"));
        admin.as().body(Map.of("accountId", newcomer.id(), "role", "admin"))
                .post("/v1/conversations/" + id + "/participants").then().statusCode(403);
        admin.as().body(Map.of("accountId", newcomer.id())).post("/v1/conversations/" + id + "/participants")
                .then().statusCode(201).body("role", equalTo("member"));
        // Inviting again changes nothing.
        admin.as().body(Map.of("accountId", newcomer.id())).post("/v1/conversations/" + id + "/participants")
                .then().statusCode(200);
        owner.as().body(Map.of("accountId", "not-a-uuid")).post("/v1/conversations/" + id + "/participants")
                .then().statusCode(400).body("errors.field", hasItem("accountId"));
        // Rename: admins yes, members no.
        member.as().body(Map.of("name", "Mine")).patch("/v1/conversations/" + id).then().statusCode(403);
        admin.as().body(Map.of("name", "Team 2")).patch("/v1/conversations/" + id)
                .then().statusCode(200).body("name", equalTo("Team 2"));
        owner.as().body(Map.of("name", "")).patch("/v1/conversations/" + id).then().statusCode(400)
                .body("errors.field", hasItem("name"));
        // An admin removes a member but not another admin or the owner.
        admin.as().delete("/v1/conversations/" + id + "/participants/" + newcomer.id()).then().statusCode(204);
        newcomer.as().get("/v1/conversations/" + id).then().statusCode(404);
        admin.as().delete("/v1/conversations/" + id + "/participants/" + owner.id()).then().statusCode(403);
        member.as().delete("/v1/conversations/" + id + "/participants/" + admin.id()).then().statusCode(403);
        // The owner leaves: the admin inherits the conversation.
        owner.as().delete("/v1/conversations/" + id + "/participants/" + owner.id()).then().statusCode(204);
        owner.as().get("/v1/conversations/" + id).then().statusCode(404);
        admin.as().get("/v1/conversations/" + id).then().statusCode(200).body("myRole", equalTo("owner"))
                .body("participantCount", equalTo(2));
        admin.as().get("/v1/conversations/" + id + "/participants").then().statusCode(200)
                .body("items.accountId", containsInAnyOrder(admin.id().toString(), member.id().toString()));
        // Roles: only the owner changes them; muting is one's own business.
        admin.as().body(Map.of("role", "admin")).patch("/v1/conversations/" + id + "/participants/" + member.id())
                .then().statusCode(200).body("role", equalTo("admin"));
        member.as().body(Map.of("muted", true)).patch("/v1/conversations/" + id + "/participants/" + admin.id())
                .then().statusCode(403);
        member.as().body(Map.of("muted", true)).patch("/v1/conversations/" + id + "/participants/" + member.id())
                .then().statusCode(200).body("muted", equalTo(true));
        member.as().get("/v1/conversations/" + id).then().body("muted", equalTo(true)).body("myRole", equalTo("admin"));
    }

    @Test
    void channelsAreJoinableAndPostingFollowsTheRole() {
        User owner = user();
        User reader = user();
        String unique = "news-" + UUID.randomUUID();
        String id = Api.conversation(owner, "channel", unique, "admin");
        Api.user().as().queryParam("q", unique.substring(0, 20)).get("/v1/channels").then().statusCode(200)
                .body("items.id", contains(id)).body("items[0].postingRole", equalTo("admin"));
        reader.as().post("/v1/conversations/" + id + "/join").then().statusCode(201).body("myRole", equalTo("member"));
        reader.as().post("/v1/conversations/" + id + "/join").then().statusCode(200);
        Api.send(reader, id, "may I?").statusCode(403).contentType("application/problem+json");
        sendOk(owner, id, "announcement");
        reader.as().get("/v1/conversations/" + id).then().body("unreadCount", equalTo(1));
        owner.as().body(Map.of("postingRole", "member")).patch("/v1/conversations/" + id).then().statusCode(200);
        sendOk(reader, id, "now I may");
        reader.as().delete("/v1/conversations/" + id + "/participants/" + reader.id()).then().statusCode(204);
        reader.as().get("/v1/conversations/" + id).then().statusCode(404);
        // A group cannot be joined by an outsider, and does not reveal itself.
        String groupId = group(owner, "closed");
        reader.as().post("/v1/conversations/" + groupId + "/join").then().statusCode(404);
    }

    @Test
    @InvalidRequests("sends limit=1000 (over the documented maximum) and limit=abc on purpose, to see the 400s")
    void activeChatsAreOrderedByLastActivityAndRebuiltWhenRedisLosesThem() throws Throwable {
        User me = user();
        String first = direct(me, user());
        String second = group(me, "second");
        String third = group(me, "third");
        sendOk(me, first, "bump the oldest");
        me.as().get("/v1/conversations").then().statusCode(200)
                .body("items.id", contains(first, third, second));
        // Redis loses the list: the next read rebuilds it from PostgreSQL in the same order.
        VertxContextSupport.subscribeAndAwait(() -> activeChats.forget(me.id()));
        me.as().get("/v1/conversations").then().statusCode(200)
                .body("items.id", contains(first, third, second))
                .body("items[0].lastMessageSeq", equalTo(1));
        // Paging by cursor walks the same order without repeats.
        String cursor = me.as().queryParam("limit", 2).get("/v1/conversations").then().statusCode(200)
                .body("items.id", contains(first, third)).extract().path("nextCursor");
        me.as().queryParam("limit", 2).queryParam("cursor", cursor).get("/v1/conversations").then()
                .body("items.id", contains(second)).body("nextCursor", nullValue());
        me.as().queryParam("cursor", "%%%").get("/v1/conversations").then().statusCode(400)
                .body("errors.field", hasItem("cursor"));
        me.as().queryParam("limit", 1000).get("/v1/conversations").then().statusCode(400)
                .body("errors.field", hasItem("limit"));
        // Not a number: the same 400 naming limit, not JAX-RS' bare 404 for a parameter that does not convert.
        me.as().queryParam("limit", "abc").get("/v1/conversations").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("limit"));
    }

    @Test
    void creatingWithAnIdempotencyKeyTwiceCreatesOnce() {
        User me = user();
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("kind", "group", "name", "once");
        String id = me.as().header("Idempotency-Key", key).body(body).post("/v1/conversations")
                .then().statusCode(201).extract().path("id");
        me.as().header("Idempotency-Key", key).body(body).post("/v1/conversations")
                .then().statusCode(201).body("id", equalTo(id)).header("Idempotent-Replayed", "true");
        me.as().header("Idempotency-Key", key).body(Map.of("kind", "group", "name", "other"))
                .post("/v1/conversations").then().statusCode(422).contentType("application/problem+json");
        List<String> ids = me.as().get("/v1/conversations").then().extract().path("items.id");
        assertThat(ids).containsExactly(id);
    }
}
