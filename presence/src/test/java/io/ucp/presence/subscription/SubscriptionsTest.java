package io.ucp.presence.subscription;

import static io.ucp.presence.support.Api.user;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.ucp.presence.support.Api.User;
import io.ucp.presence.support.contract.InvalidRequests;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SubscriptionsTest {

    static String request(User watcher, User target, int status) {
        return watcher.as().body(Map.of("targetAccountId", target.id())).post("/v1/presence/subscriptions")
                .then().statusCode(status).extract().path("id");
    }

    @Test
    void aWatcherSeesExactlyThoseWhoApproved() {
        User watcher = user();
        User approves = user();
        User denies = user();
        User silent = user();
        String approved = request(watcher, approves, 201);
        String denied = request(watcher, denies, 201);
        request(watcher, silent, 201);
        request(watcher, approves, 200);
        approves.as().body(Map.of("state", "busy", "statusText", "in a meeting")).put("/v1/presence/me")
                .then().statusCode(200);
        approves.as().post("/v1/presence/subscriptions/" + approved + "/approve").then().statusCode(200)
                .body("state", equalTo("approved"));
        denies.as().post("/v1/presence/subscriptions/" + denied + "/deny").then().statusCode(200)
                .body("state", equalTo("denied"));
        watcher.as().get("/v1/presence/watched").then().statusCode(200)
                .body("items.accountId", contains(approves.id().toString()))
                .body("items[0].statusText", equalTo("in a meeting"));
        watcher.as().get("/v1/presence/accounts/" + approves.id()).then().statusCode(200)
                .body("statusText", equalTo("in a meeting"));
        watcher.as().get("/v1/presence/accounts/" + denies.id()).then().statusCode(404)
                .contentType("application/problem+json");
        watcher.as().get("/v1/presence/accounts/" + silent.id()).then().statusCode(404);
        // The watcher may not decide on their own request, others do not see it at all.
        watcher.as().post("/v1/presence/subscriptions/" + denied + "/approve").then().statusCode(403);
        user().as().post("/v1/presence/subscriptions/" + denied + "/approve").then().statusCode(404);
        denies.as().get("/v1/presence/subscriptions?direction=incoming").then()
                .body("items.watcherAccountId", contains(watcher.id().toString()));
        watcher.as().get("/v1/presence/subscriptions?state=pending").then()
                .body("items.targetAccountId", contains(silent.id().toString()));
        // Cancelling stops the watching.
        watcher.as().post("/v1/presence/subscriptions/" + approved + "/cancel").then().statusCode(200)
                .body("state", equalTo("cancelled"));
        watcher.as().get("/v1/presence/accounts/" + approves.id()).then().statusCode(404);
        // A denied watcher may ask again.
        request(watcher, denies, 201);
    }

    @Test
    void aBlockedWatcherCannotAskAgain() {
        User watcher = user();
        User target = user();
        String id = request(watcher, target, 201);
        target.as().post("/v1/presence/subscriptions/" + id + "/approve").then().statusCode(200);
        target.as().post("/v1/presence/subscriptions/" + id + "/block").then().statusCode(200)
                .body("state", equalTo("blocked"));
        watcher.as().get("/v1/presence/accounts/" + target.id()).then().statusCode(404);
        watcher.as().body(Map.of("targetAccountId", target.id())).post("/v1/presence/subscriptions")
                .then().statusCode(403).contentType("application/problem+json");
        watcher.as().post("/v1/presence/subscriptions/" + id + "/cancel").then().statusCode(409);
        // Blocking someone who never asked works too.
        User stranger = user();
        target.as().body(Map.of("accountId", stranger.id())).post("/v1/presence/blocks").then().statusCode(200)
                .body("state", equalTo("blocked")).body("watcherAccountId", equalTo(stranger.id().toString()));
        stranger.as().body(Map.of("targetAccountId", target.id())).post("/v1/presence/subscriptions")
                .then().statusCode(403);
        // Only the target lifts a block, by approving.
        target.as().post("/v1/presence/subscriptions/" + id + "/approve").then().statusCode(200);
        watcher.as().get("/v1/presence/accounts/" + target.id()).then().statusCode(200);
    }

    @Test
    @InvalidRequests("sends no targetAccountId and an unknown direction on purpose, to see the 400 naming each")
    void badRequestsNameTheField() {
        User me = user();
        me.as().body(Map.of("targetAccountId", me.id())).post("/v1/presence/subscriptions").then().statusCode(400)
                .body("errors.field", hasItem("targetAccountId"));
        me.as().body(Map.of()).post("/v1/presence/subscriptions").then().statusCode(400)
                .body("errors.field", hasItem("targetAccountId"));
        me.as().get("/v1/presence/subscriptions?direction=sideways").then().statusCode(400)
                .body("errors.field", hasItem("direction"));
        me.as().post("/v1/presence/subscriptions/" + UUID.randomUUID() + "/approve").then().statusCode(404);
    }
}
