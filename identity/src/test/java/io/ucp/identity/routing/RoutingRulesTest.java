package io.ucp.identity.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.ucp.identity.support.Api;
import io.ucp.identity.support.IdentityEventLog;
import io.ucp.identity.support.contract.InvalidRequests;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RoutingRulesTest {

    private static RequestSpecification as(Api.User user) {
        return given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON);
    }

    private static final Map<String, Object> RING = Map.of("type", "ring", "timeoutSeconds", 25);

    @Test
    void rulesAreCreatedOrderedUpdatedAndDeletedWithAFullListEvent() throws Exception {
        Api.User user = Api.newUser();
        String a = as(user).body(Map.of("name", "A", "conditions", Map.of(), "action", RING)).post("/v1/routing/rules")
                .then().statusCode(201).body("position", equalTo(0)).body("action.timeoutSeconds", equalTo(25))
                .extract().path("id");
        String b = as(user).body(Map.of("name", "B", "action", Map.of("type", "reject", "cause", "busy")))
                .post("/v1/routing/rules").then().statusCode(201).body("position", equalTo(1)).extract().path("id");
        String c = as(user).body(Map.of("name", "C", "position", 0,
                        "action", Map.of("type", "forward", "toNumber", "+44 20 7946 0958")))
                .post("/v1/routing/rules").then().statusCode(201).body("position", equalTo(0))
                .body("action.toNumber", equalTo("+442079460958")).extract().path("id");
        as(user).get("/v1/routing/rules").then().statusCode(200).body("id", contains(c, a, b));

        as(user).body(Map.of("ruleIds", List.of(b, a, c))).put("/v1/routing/rules/order").then().statusCode(200)
                .body("id", contains(b, a, c)).body("position", contains(0, 1, 2));
        as(user).body(Map.of("name", "A2", "enabled", false, "conditions",
                        Map.of("presence", List.of("dnd")), "action", RING)).put("/v1/routing/rules/" + a)
                .then().statusCode(200).body("name", equalTo("A2")).body("enabled", equalTo(false))
                .body("position", equalTo(1));
        as(user).delete("/v1/routing/rules/" + b).then().statusCode(204);
        String listed = as(user).get("/v1/routing/rules").then().statusCode(200).body("id", contains(a, c))
                .body("position", contains(0, 1)).extract().asString();

        var changes = IdentityEventLog.await(user.id().toString(), "routing-rules.changed", 6);
        assertThat(changes).hasSize(6);
        JsonNode last = changes.get(5).data();
        assertThat(last.path("accountId").asText()).isEqualTo(user.id().toString());
        assertThat(last.path("rules")).isEqualTo(new ObjectMapper().readTree(listed));
    }

    @Test
    @InvalidRequests("sends every kind of invalid rule on purpose, to see each 400 name its field")
    void everyFieldIsValidated() {
        Api.User user = Api.newUser();
        Object[][] cases = {
            {Map.of("action", Map.of("type", "teleport")), "action.type"},
            {Map.of("conditions", Map.of()), "action"},
            {Map.of("action", Map.of("type", "ring", "timeoutSeconds", 2)), "action.timeoutSeconds"},
            {Map.of("action", Map.of("type", "ring", "deviceIds", List.of(UUID.randomUUID().toString()))), "action.deviceIds"},
            {Map.of("action", Map.of("type", "forward")), "action.toNumber"},
            {Map.of("action", Map.of("type", "forward", "toNumber", "12")), "action.toNumber"},
            {Map.of("action", Map.of("type", "queue")), "action.queueId"},
            {Map.of("action", Map.of("type", "forward", "toAccountId", UUID.randomUUID().toString())), "action.toAccountId"},
            {Map.of("action", Map.of("type", "forward", "toAccountId", user.id().toString())), "action.toAccountId"},
            {Map.of("action", Map.of("type", "reject", "cause", "bored")), "action.cause"},
            {Map.of("action", Map.of("type", "reject", "cause", "busy", "toNumber", "+12025550100")), "action"},
            {Map.of("conditions", Map.of("timeWindows", List.of(Map.of("start", "25:00", "end", "10:00"))), "action", RING),
                "conditions.timeWindows[0].start"},
            {Map.of("conditions", Map.of("timeWindows", List.of(Map.of("start", "09:00", "end", "09:00"))), "action", RING),
                "conditions.timeWindows[0].end"},
            {Map.of("conditions", Map.of("timeWindows", List.of(Map.of("days", List.of("FUNDAY"), "start", "09:00",
                "end", "10:00"))), "action", RING), "conditions.timeWindows[0].days"},
            {Map.of("conditions", Map.of("callerPrefixes", List.of("0049")), "action", RING), "conditions.callerPrefixes[0]"},
            {Map.of("conditions", Map.of("callerPattern", "(.*)+"), "action", RING), "conditions.callerPattern"},
            {Map.of("conditions", Map.of("presence", List.of("sleeping")), "action", RING), "conditions.presence"},
            {Map.of("position", 5, "action", RING), "position"},
            {Map.of("name", "x".repeat(201), "action", RING), "name"},
        };
        for (Object[] c : cases) {
            as(user).body(c[0]).post("/v1/routing/rules").then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", hasItem((String) c[1]));
        }
        as(user).get("/v1/routing/rules").then().body("$", hasSize(0));
        as(user).body(Map.of("ruleIds", List.of(UUID.randomUUID().toString()))).put("/v1/routing/rules/order")
                .then().statusCode(400).body("errors.field", hasItem("ruleIds"));
        as(user).body(Map.of("calleeAccountId", user.id().toString(), "callerNumber", "not a number"))
                .post("/v1/routing/resolve").then().statusCode(400).body("errors.field", hasItem("callerNumber"));
        as(user).body(Map.of()).post("/v1/routing/resolve").then().statusCode(400)
                .body("errors.field", hasItem("calleeAccountId"));
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void anotherUsersRulesAreNotFound() {
        Api.User owner = Api.newUser();
        Api.User other = Api.newUser();
        String id = as(owner).body(Map.of("action", RING)).post("/v1/routing/rules").then().statusCode(201)
                .extract().path("id");
        as(other).get("/v1/routing/rules/" + id).then().statusCode(404).contentType("application/problem+json");
        as(other).body(Map.of("action", RING)).put("/v1/routing/rules/" + id).then().statusCode(404);
        as(other).delete("/v1/routing/rules/" + id).then().statusCode(404);
        as(other).body(Map.of("ruleIds", List.of(id))).put("/v1/routing/rules/order").then().statusCode(400);
        as(other).get("/v1/routing/rules").then().body("$", hasSize(0));
        as(owner).get("/v1/routing/rules/" + id).then().statusCode(200);
        given().get("/v1/routing/rules").then().statusCode(401);
        as(other).body(Map.of("calleeAccountId", UUID.randomUUID().toString())).post("/v1/routing/resolve")
                .then().statusCode(404);
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void onlyTheAccountItselfAndAdminsResolveItsPlan() {
        Api.User owner = Api.newUser();
        Api.User stranger = Api.newUser();
        as(owner).body(Map.of("type", "web", "name", "Browser")).post("/v1/devices").then().statusCode(201);
        as(owner).body(Map.of("action", Map.of("type", "forward", "toNumber", "+12025550100")))
                .post("/v1/routing/rules").then().statusCode(201);
        Map<String, Object> request = Map.of("calleeAccountId", owner.id().toString(), "callerNumber", "+12025550111");
        // A stranger learns nothing: not the devices, rules or numbers, not even that the account exists.
        as(stranger).body(request).post("/v1/routing/resolve").then().statusCode(404)
                .contentType("application/problem+json")
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("+12025550100")));
        given().auth().oauth2(io.ucp.identity.platform.TestTokens.user(UUID.randomUUID())).contentType("application/json")
                .body(request).post("/v1/routing/resolve").then().statusCode(404);
        given().contentType("application/json").body(request).post("/v1/routing/resolve").then().statusCode(401);
        as(owner).body(request).post("/v1/routing/resolve").then().statusCode(200)
                .body("steps[0].action.toNumber", equalTo("+12025550100"));
        given().auth().oauth2(io.ucp.identity.platform.TestTokens.admin(UUID.randomUUID())).contentType("application/json")
                .body(request).post("/v1/routing/resolve").then().statusCode(200);
    }

    @Test
    void withoutRulesEveryDeviceRings() {
        Api.User user = Api.newUser();
        String d1 = as(user).body(Map.of("type", "web", "name", "Browser")).post("/v1/devices").then().statusCode(201)
                .extract().path("id");
        String d2 = as(user).body(Map.of("type", "sip", "name", "Phone")).post("/v1/devices").then().statusCode(201)
                .extract().path("id");
        as(user).body(Map.of("calleeAccountId", user.id().toString())).post("/v1/routing/resolve").then()
                .statusCode(200).body("defaultRoute", equalTo(true)).body("matchedRuleIds", hasSize(0))
                .body("steps[0].action.type", equalTo("ring")).body("steps[0].action.deviceIds", contains(d1, d2))
                .body("steps[0].ruleId", equalTo(null));
    }

    @Test
    void anIdempotentCreateAddsOneRule() {
        Api.User user = Api.newUser();
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("name", "Once", "action", RING);
        String id = as(user).header("Idempotency-Key", key).body(body).post("/v1/routing/rules").then().statusCode(201)
                .extract().path("id");
        as(user).header("Idempotency-Key", key).body(body).post("/v1/routing/rules").then().statusCode(201)
                .body("id", equalTo(id));
        as(user).get("/v1/routing/rules").then().body("$", hasSize(1));
    }
}
