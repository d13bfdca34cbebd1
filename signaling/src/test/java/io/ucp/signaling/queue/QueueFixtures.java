package io.ucp.signaling.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.ucp.signaling.call.CallEvents;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.platform.TestTokens;
import io.ucp.signaling.platform.events.IncomingEvent;
import io.ucp.signaling.routing.AccountCopies;
import io.vertx.mutiny.sqlclient.Pool;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Queues, agents and callers as the queue tests set them up through the public API. */
final class QueueFixtures {

    static final String ADMIN = TestTokens.admin(UUID.randomUUID());
    private static final AtomicLong PRESENCE_VERSION = new AtomicLong(System.currentTimeMillis());

    private QueueFixtures() {
    }

    /** A queue with a unique name; {@code settings} override the defaults (short timers for tests). */
    static UUID queue(Map<String, Object> settings) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "q-" + UUID.randomUUID());
        body.put("offerTimeoutSeconds", 30);
        body.put("maxWaitSeconds", 300);
        body.put("wrapUpSeconds", 0);
        body.putAll(settings);
        String id = given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body).when().post("/v1/queues")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    static void member(UUID queue, UUID agent, int tier, int priority) {
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body(Map.of("accountId", agent, "tier", tier, "priority", priority))
                .when().post("/v1/queues/" + queue + "/members").then().statusCode(201);
    }

    /** An agent: a connected device, present (presence copy available), member of the queue, logged in. */
    static User agent(URI channel, AccountCopies copies, UUID queue) throws Exception {
        return agent(channel, copies, queue, 1, 0);
    }

    static User agent(URI channel, AccountCopies copies, UUID queue, int tier, int priority) throws Exception {
        User agent = CallTestSupport.user(channel, 1);
        presence(copies, agent.id(), "available");
        member(queue, agent.id(), tier, priority);
        return agent;
    }

    static void presence(AccountCopies copies, UUID account, String state) throws Exception {
        CallTestSupport.await(() -> copies.setPresence(account, PRESENCE_VERSION.incrementAndGet(), state));
    }

    static ValidatableResponse agentAction(String token, String agent, String action, UUID queue, String key) {
        Map<String, Object> body = new HashMap<>();
        if (queue != null) {
            body.put("queueId", queue);
        }
        var request = given().auth().oauth2(token).contentType(ContentType.JSON).body(body);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.when().post("/v1/agents/" + agent + "/" + action).then();
    }

    static void login(User agent, UUID queue) {
        agentAction(agent.token(), "me", "login", queue, null).statusCode(200);
    }

    static ValidatableResponse callQueue(User caller, UUID queue, String key) {
        var request = given().auth().oauth2(caller.token()).contentType(ContentType.JSON)
                .body(Map.of("deviceId", caller.device().deviceId, "toQueueId", queue));
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.when().post("/v1/calls").then();
    }

    static UUID enter(User caller, UUID queue) {
        String id = callQueue(caller, queue, null).statusCode(201).extract().path("callId");
        return UUID.fromString(id);
    }

    static String memberState(Pool pool, UUID queue, UUID agent) throws Exception {
        return CallTestSupport.rows(pool, "SELECT state FROM queue_members WHERE queue_id = $1 AND account_id = $2",
                queue, agent).get(0).getString("state");
    }

    static void awaitMemberState(Pool pool, UUID queue, UUID agent, String state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> state.equals(memberState(pool, queue, agent)));
    }

    /** The agent.state-changed events of an agent in a queue (key = the agent's account id), in order. */
    static List<String> agentStates(UUID agent, UUID queue) {
        return CallEvents.records().getRecords().stream().filter(r -> agent.toString().equals(r.key()))
                .map(r -> IncomingEvent.parse(new com.fasterxml.jackson.databind.ObjectMapper()
                        .findAndRegisterModules(), r.value()))
                .filter(e -> "agent.state-changed".equals(e.type())
                        && queue.toString().equals(e.data().path("agent").path("queueId").asText()))
                .map(e -> e.data().path("agent").path("state").asText()).toList();
    }

    static void awaitAgentStates(UUID agent, UUID queue, String... states) {
        await().atMost(Duration.ofSeconds(30)).until(() -> agentStates(agent, queue).size() >= states.length);
        assertThat(agentStates(agent, queue)).containsExactly(states);
    }

    /** True when the device got an offer for the call. */
    static boolean offered(User user, UUID callId) {
        return user.device().received().stream().anyMatch(m -> "call.offer".equals(m.path("type").asText())
                && callId.toString().equals(m.path("callId").asText()));
    }
}
