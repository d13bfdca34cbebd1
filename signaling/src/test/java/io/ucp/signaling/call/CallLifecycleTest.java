package io.ucp.signaling.call;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.originate;
import static io.ucp.signaling.call.CallTestSupport.rows;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.platform.TestTokens;
import io.ucp.signaling.platform.events.IncomingEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Whole call lifecycles through the public API, with the exact events each one publishes. */
@QuarkusTest
class CallLifecycleTest {

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    Pool pool;
    @Inject
    io.quarkus.redis.datasource.ReactiveRedisDataSource redis;

    @Test
    void internalCallIsAnsweredHeldResumedAndHungUp() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 2)) {
            var created = originate(alice, bob.id(), null).statusCode(201)
                    .body("state", equalTo("ringing"))
                    .body("direction", equalTo("internal"))
                    .body("calleeKind", equalTo("user"))
                    .body("callerAccountId", equalTo(alice.id().toString()))
                    .body("legs.size()", equalTo(3))
                    .body("version", equalTo(1));
            UUID callId = UUID.fromString(created.extract().path("callId"));

            // Both of bob's devices ring; the caller's device hears about the change.
            JsonNode offer = bob.devices().get(1).awaitCall("call.offer", callId, "ringing");
            bob.device().awaitCall("call.offer", callId, "ringing");
            assertThat(offer.path("legId").asText()).isNotBlank();

            action(bob.token(), callId, "answer", null).statusCode(200);
            given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                    .body(Map.of()).when().get("/v1/calls/" + callId).then().statusCode(200)
                    .body("state", equalTo("active"))
                    .body("answeredAt", notNullValue())
                    .body("legs.findAll { it.state == 'active' }.size()", equalTo(2))
                    .body("legs.findAll { it.state == 'ended' }.endCause", hasItem("cancelled"));
            alice.device().awaitCall("call.update", callId, "active");

            action(alice, callId, "hold").statusCode(200).body("state", equalTo("held"));
            // Only the party who held may resume.
            action(bob, callId, "resume").statusCode(409).body("detail", containsString("held"));
            action(alice, callId, "resume").statusCode(200).body("state", equalTo("active"));
            action(bob, callId, "hangup").statusCode(200)
                    .body("state", equalTo("ended")).body("endCause", equalTo("normal"))
                    .body("endedAt", notNullValue())
                    .body("legs.findAll { it.state != 'ended' }.size()", equalTo(0));
            alice.device().awaitCall("call.update", callId, "ended");

            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.held", "call.resumed",
                    "call.ended");
            List<IncomingEvent> events = CallEvents.of(callId);
            JsonNode ended = events.get(5).data().path("call");
            assertThat(ended.path("endCause").asText()).isEqualTo("normal");
            assertThat(ended.path("payingAccountId").asText()).isEqualTo(alice.id().toString());
            assertThat(ended.path("calleeAccountId").asText()).isEqualTo(bob.id().toString());
            assertThat(ended.path("legs").size()).isEqualTo(3);
            assertThat(ended.path("recordings").isArray()).isTrue();
            assertThat(events).extracting(e -> e.data().path("call").path("version").asLong())
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(events.get(0).data().path("call").path("state").asText()).isEqualTo("created");

            List<Row> routing = rows(pool, "SELECT outcome, target_type FROM call_routing WHERE call_id = $1", callId);
            assertThat(routing).hasSize(1);
            assertThat(routing.get(0).getString("outcome")).isEqualTo("answered");
        }
    }

    @Test
    void calleeRejects() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            action(bob, callId, "reject").statusCode(200).body("endCause", equalTo("rejected"));
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ended");
            assertThat(rows(pool, "SELECT outcome FROM call_routing WHERE call_id = $1", callId).get(0)
                    .getString("outcome")).isEqualTo("rejected");
        }
    }

    @Test
    void callerCancelsWhileRinging() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            action(alice, callId, "hangup").statusCode(200).body("endCause", equalTo("cancelled"));
            bob.device().awaitCall("call.update", callId, "ended");
            action(bob, callId, "answer").statusCode(409).body("detail", containsString("ended"));
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ended");
        }
    }

    @Test
    void offlineCalleeEndsAtOnceWithNoAnswer() throws Throwable {
        try (User alice = user(channel, 1)) {
            UUID offline = UUID.randomUUID();
            String id = originate(alice, offline, null).statusCode(201)
                    .body("state", equalTo("ended")).body("endCause", equalTo("no-answer")).extract().path("callId");
            UUID callId = UUID.fromString(id);
            assertEvents(pool, callId, "call.created", "call.ended");
            Row attempt = rows(pool, "SELECT outcome, reason FROM call_routing WHERE call_id = $1", callId).get(0);
            assertThat(attempt.getString("outcome")).isEqualTo("no-answer");
            assertThat(attempt.getString("reason")).contains("no connected device");
        }
    }

    @Test
    void calleeOnAnotherCallIsBusy() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID first = call(alice, bob);
            action(bob, first, "answer").statusCode(200);
            String id = originate(carol, bob.id(), null).statusCode(201)
                    .body("endCause", equalTo("busy")).extract().path("callId");
            assertEvents(pool, UUID.fromString(id), "call.created", "call.ended");
            action(alice, first, "hangup").statusCode(200);
        }
    }

    @Test
    void illegalActionsAre409WithTheCurrentState() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            action(alice, callId, "hold").statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("current state: ringing"));
            action(alice, callId, "answer").statusCode(409);
            action(bob, callId, "answer").statusCode(200);
            action(bob, callId, "answer").statusCode(409).body("detail", containsString("current state: active"));
            action(bob, callId, "reject").statusCode(409);
            action(bob, callId, "hangup").statusCode(200);
            action(alice, callId, "hangup").statusCode(409).body("detail", containsString("current state: ended"));
        }
    }

    @Test
    void concurrentHangupAndRejectCannotBothWin() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            for (int round = 0; round < 5; round++) {
                UUID callId = call(alice, bob);
                var pool2 = Executors.newFixedThreadPool(2);
                try {
                    Callable<Integer> hangup = () -> action(alice, callId, "hangup").extract().statusCode();
                    Callable<Integer> reject = () -> action(bob, callId, "reject").extract().statusCode();
                    Future<Integer> a = pool2.submit(hangup);
                    Future<Integer> b = pool2.submit(reject);
                    assertThat(List.of(a.get(), b.get())).containsExactlyInAnyOrder(200, 409);
                } finally {
                    pool2.shutdownNow();
                }
                assertEvents(pool, callId, "call.created", "call.ringing", "call.ended");
            }
        }
    }

    @Test
    void idempotencyKeyReplaysRepeatNoEffect() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            String key = "orig-" + UUID.randomUUID();
            String first = originate(alice, bob.id(), key).statusCode(201).extract().path("callId");
            String again = originate(alice, bob.id(), key).statusCode(201).extract().path("callId");
            assertThat(again).isEqualTo(first);
            assertThat(CallTestSupport.count(pool, "SELECT count(*) FROM call_sessions WHERE caller_account_id = $1",
                    alice.id())).isEqualTo(1);
            // The same key for another request is refused.
            originate(alice, UUID.randomUUID(), key).statusCode(422).body("errors[0].field", equalTo("Idempotency-Key"));

            UUID callId = UUID.fromString(first);
            String answerKey = "ans-" + UUID.randomUUID();
            int v1 = action(bob.token(), callId, "answer", answerKey).statusCode(200).extract().path("version");
            int v2 = action(bob.token(), callId, "answer", answerKey).statusCode(200).extract().path("version");
            assertThat(v2).isEqualTo(v1);
            String holdKey = "hold-" + UUID.randomUUID();
            action(alice.token(), callId, "hold", holdKey).statusCode(200).body("state", equalTo("held"));
            action(alice.token(), callId, "resume", null).statusCode(200);
            // Replaying the hold after the resume returns the first result and does not hold again.
            action(alice.token(), callId, "hold", holdKey).statusCode(200).body("state", equalTo("held"));
            action(alice, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.held", "call.resumed",
                    "call.ended");
        }
    }

    @Test
    void onlyPartiesSeeACallAndAdminsSeeAll() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            UUID stranger = UUID.randomUUID();
            String strangerToken = TestTokens.user(stranger);
            given().auth().oauth2(strangerToken).when().get("/v1/calls/" + callId).then().statusCode(404)
                    .contentType("application/problem+json");
            action(strangerToken, callId, "hangup", null).statusCode(404);
            action(strangerToken, callId, "answer", null).statusCode(404);
            given().auth().oauth2(bob.token()).when().get("/v1/calls/" + callId).then().statusCode(200);
            given().auth().oauth2(TestTokens.admin(UUID.randomUUID())).when().get("/v1/calls/" + callId)
                    .then().statusCode(200).body("callId", equalTo(callId.toString()));

            given().auth().oauth2(alice.token()).when().get("/v1/calls").then().statusCode(200)
                    .body("items.callId", hasItem(callId.toString()));
            given().auth().oauth2(strangerToken).when().get("/v1/calls").then().statusCode(200)
                    .body("items.callId", not(hasItem(callId.toString())));
            given().auth().oauth2(strangerToken).queryParam("all", true).when().get("/v1/calls").then()
                    .statusCode(403);
            given().when().get("/v1/calls").then().statusCode(401);

            // Paging through all active calls as an admin finds this one exactly once.
            String admin = TestTokens.admin(UUID.randomUUID());
            int seen = 0;
            String cursor = null;
            do {
                var page = given().auth().oauth2(admin).queryParam("all", true).queryParam("limit", 2);
                if (cursor != null) {
                    page = page.queryParam("cursor", cursor);
                }
                var body = page.when().get("/v1/calls").then().statusCode(200).extract();
                List<String> ids = body.path("items.callId");
                seen += (int) ids.stream().filter(callId.toString()::equals).count();
                cursor = body.path("nextCursor");
            } while (cursor != null);
            assertThat(seen).isEqualTo(1);
            action(alice, callId, "hangup").statusCode(200);
            given().auth().oauth2(alice.token()).when().get("/v1/calls").then().statusCode(200)
                    .body("items.callId", not(hasItem(callId.toString())));
        }
    }

    @Test
    void badInputsAreProblemsNamingTheField() throws Throwable {
        try (User alice = user(channel, 1)) {
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("toAccountId",
                    UUID.randomUUID())).when().post("/v1/calls").then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", hasItem(containsString("deviceId")));
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("deviceId",
                    UUID.randomUUID(), "toAccountId", UUID.randomUUID())).when().post("/v1/calls").then()
                    .statusCode(422).body("errors[0].field", equalTo("deviceId"));
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("deviceId",
                    alice.device().deviceId, "toAccountId", alice.id())).when().post("/v1/calls").then()
                    .statusCode(422).body("errors[0].field", equalTo("toAccountId"));
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body("{\"deviceId\": 12")
                    .when().post("/v1/calls").then().statusCode(400);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("digits", "12x"))
                    .when().post("/v1/calls/" + UUID.randomUUID() + "/dtmf").then().statusCode(400)
                    .body("errors.field", hasItem(containsString("digits")));
            given().auth().oauth2(alice.token()).queryParam("limit", 1000).when().get("/v1/calls").then()
                    .statusCode(400);
            given().auth().oauth2(alice.token()).queryParam("cursor", "nonsense").when().get("/v1/calls").then()
                    .statusCode(400).body("errors[0].field", equalTo("cursor"));
            given().auth().oauth2(alice.token()).when().get("/v1/calls/not-a-uuid").then().statusCode(404);
        }
    }

    @Test
    void dtmfIsRelayedOnceAndMuteChangesTheLeg() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            action(alice, callId, "dtmf").statusCode(400);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("digits", "12#"))
                    .when().post("/v1/calls/" + callId + "/dtmf").then().statusCode(409);
            action(bob, callId, "answer").statusCode(200);
            String key = "dtmf-" + UUID.randomUUID();
            for (int i = 0; i < 2; i++) {
                given().auth().oauth2(alice.token()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                        .body(Map.of("digits", "12#")).when().post("/v1/calls/" + callId + "/dtmf").then()
                        .statusCode(200);
            }
            bob.device().awaitMessage("dtmf", m -> "12#".equals(m.path("digits").asText()));
            // A second, distinct DTMF request proves delivery is ongoing, and the replay was not delivered.
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("digits", "9"))
                    .when().post("/v1/calls/" + callId + "/dtmf").then().statusCode(200);
            bob.device().awaitMessage("dtmf", m -> "9".equals(m.path("digits").asText()));
            assertThat(bob.device().received().stream().filter(m -> "dtmf".equals(m.path("type").asText()))
                    .map(m -> m.path("digits").asText()).toList()).containsExactly("12#", "9");

            String aliceLeg = given().auth().oauth2(alice.token()).when().get("/v1/calls/" + callId).then()
                    .extract().path("legs.find { it.role == 'caller' }.legId");
            action(alice, callId, "legs/" + aliceLeg + "/mute").statusCode(200)
                    .body("legs.find { it.role == 'caller' }.muted", equalTo(true));
            action(bob, callId, "legs/" + aliceLeg + "/mute").statusCode(404);
            action(alice, callId, "legs/" + aliceLeg + "/unmute").statusCode(200)
                    .body("legs.find { it.role == 'caller' }.muted", equalTo(false));
            action(alice, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.ended");
        }
    }

    @Test
    void activeCallsAreReadFromRedisAndRebuiltFromPostgresWhenLost() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            String key = "ucp:signaling:active:" + alice.id();
            // A first read builds the hash; the originate already left the snapshot there if it existed.
            given().auth().oauth2(alice.token()).when().get("/v1/calls").then().statusCode(200)
                    .body("items.callId", hasItem(callId.toString()));
            assertThat(CallTestSupport.await(() -> redis.hash(String.class).hget(key, callId.toString())))
                    .contains("\"state\":\"ringing\"");
            action(bob, callId, "answer").statusCode(200);
            assertThat(CallTestSupport.await(() -> redis.hash(String.class).hget(key, callId.toString())))
                    .contains("\"state\":\"active\"");
            given().auth().oauth2(alice.token()).when().get("/v1/calls/" + callId).then()
                    .body("state", equalTo("active"));

            // Redis loses everything: reads still answer, from PostgreSQL, and put the snapshots back.
            CallTestSupport.await(() -> redis.key().del(key));
            given().auth().oauth2(alice.token()).when().get("/v1/calls").then().statusCode(200)
                    .body("items.find { it.callId == '" + callId + "' }.state", equalTo("active"));
            assertThat(CallTestSupport.await(() -> redis.hash(String.class).hget(key, callId.toString())))
                    .contains("\"state\":\"active\"");

            action(alice, callId, "hangup").statusCode(200);
            assertThat(CallTestSupport.await(() -> redis.hash(String.class).hget(key, callId.toString()))).isNull();
            given().auth().oauth2(alice.token()).when().get("/v1/calls/" + callId).then()
                    .body("state", equalTo("ended"));
        }
    }

    @Test
    void aPersistedRingTimerFiresFromThePoller() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            Row timer = rows(pool, "SELECT timer_kind, timer_at > now() + interval '20 seconds' AS later "
                    + "FROM call_sessions WHERE id = $1", callId).get(0);
            assertThat(timer.getString("timer_kind")).isEqualTo("ring-timeout");
            assertThat(timer.getBoolean("later")).isTrue();
            // As after a restart: nothing in memory knows this call; only the row says the timer is due.
            CallTestSupport.count(pool, "WITH u AS (UPDATE call_sessions SET timer_at = now() - interval '1 second' "
                    + "WHERE id = $1 RETURNING 1) SELECT count(*) FROM u", callId);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(alice.token())
                    .when().get("/v1/calls/" + callId).then().body("state", equalTo("ended"))
                    .body("endCause", equalTo("no-answer")));
            bob.device().awaitCall("call.update", callId, "ended");
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ended");
            assertThat(rows(pool, "SELECT timer_at FROM call_sessions WHERE id = $1", callId).get(0)
                    .getValue("timer_at")).isNull();
            assertThat(rows(pool, "SELECT outcome FROM call_routing WHERE call_id = $1", callId).get(0)
                    .getString("outcome")).isEqualTo("no-answer");
        }
    }
}
