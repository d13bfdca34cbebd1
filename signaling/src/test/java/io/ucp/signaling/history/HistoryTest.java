package io.ucp.signaling.history;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.rows;
import static io.ucp.signaling.call.CallTestSupport.user;
import static io.ucp.signaling.routing.IdentityRules.forwardTo;
import static io.ucp.signaling.routing.IdentityRules.none;
import static io.ucp.signaling.routing.IdentityRules.ring;
import static io.ucp.signaling.routing.IdentityRules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.signaling.call.CallEvents;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.platform.TestTokens;
import io.ucp.signaling.routing.AccountCopies;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Call history of every party, the missed-calls badge and call.missed, routing attempts, retention. */
@QuarkusTest
class HistoryTest {

    private static final String MISSED_TOPIC = "call.missed.test";
    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis());
    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> missedEvents;

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    Pool pool;
    @Inject
    AccountCopies copies;
    @Inject
    HistoryPruner pruner;
    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
        missedEvents = kafka.consumeStrings().fromTopics(MISSED_TOPIC);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void anAnsweredCallIsInBothHistoriesAndAStrangerSeesNeither() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            publishName(bob.id(), "Bob Builder");
            // The first event of a run waits for the identity-copies consumer to join its group.
            await().atMost(Duration.ofSeconds(60)).until(() -> CallTestSupport.await(
                    () -> copies.displayNamesOf(List.of(bob.id()))).containsKey(bob.id()));
            UUID callId = call(alice, bob);
            bob.device().awaitCall("call.offer", callId, "ringing");
            action(bob, callId, "answer").statusCode(200);
            action(alice, callId, "hangup").statusCode(200);

            JsonPath mine = awaitEntry(alice, callId);
            assertThat(mine.getString("direction")).isEqualTo("outgoing");
            assertThat(mine.getString("role")).isEqualTo("caller");
            assertThat(mine.getString("outcome")).isEqualTo("answered");
            assertThat(mine.getBoolean("internal")).isTrue();
            assertThat(mine.getString("peer.accountId")).isEqualTo(bob.id().toString());
            assertThat(mine.getString("peer.name")).isEqualTo("Bob Builder");
            assertThat(mine.getString("endCause")).isEqualTo("normal");
            assertThat(mine.getString("answeredAt")).isNotNull();
            JsonPath his = awaitEntry(bob, callId);
            assertThat(his.getString("direction")).isEqualTo("incoming");
            assertThat(his.getString("outcome")).isEqualTo("answered");
            assertThat(his.getString("peer.accountId")).isEqualTo(alice.id().toString());

            // Lists: newest first, filtered by direction and peer.
            given().auth().oauth2(bob.token()).queryParam("direction", "incoming").queryParam("peer", alice.id().toString())
                    .when().get("/v1/calls/history").then().statusCode(200)
                    .body("items.size()", equalTo(1)).body("items[0].callId", equalTo(callId.toString()))
                    .body("nextCursor", nullValue());
            given().auth().oauth2(bob.token()).queryParam("direction", "outgoing")
                    .when().get("/v1/calls/history").then().statusCode(200).body("items.size()", equalTo(0));

            // A stranger: no entry, no routing attempts; an admin may read Bob's.
            String stranger = TestTokens.user(UUID.randomUUID());
            given().auth().oauth2(stranger).when().get("/v1/calls/history/" + callId).then().statusCode(404)
                    .contentType("application/problem+json");
            given().auth().oauth2(stranger).when().get("/v1/calls/" + callId + "/routing").then().statusCode(404);
            given().auth().oauth2(stranger).queryParam("accountId", bob.id().toString())
                    .when().get("/v1/calls/history").then().statusCode(403);
            given().auth().oauth2(TestTokens.admin(UUID.randomUUID())).queryParam("accountId", bob.id().toString())
                    .when().get("/v1/calls/history/" + callId).then().statusCode(200)
                    .body("outcome", equalTo("answered"));
            given().when().get("/v1/calls/history").then().statusCode(401);
        }
    }

    @Test
    void aMissedCallCountsUntilMarkedSeenAndIsAnnouncedOnce() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            bob.device().awaitCall("call.offer", callId, "ringing");
            action(alice, callId, "hangup").statusCode(200); // Alice gives up while it rings

            assertThat(awaitEntry(bob, callId).getString("outcome")).isEqualTo("missed");
            assertThat(awaitEntry(alice, callId).getString("outcome")).isEqualTo("cancelled");
            given().auth().oauth2(bob.token()).when().get("/v1/calls/history/missed").then().statusCode(200)
                    .body("count", equalTo(1)).body("seenAt", nullValue());
            given().auth().oauth2(bob.token()).queryParam("outcome", "missed").when().get("/v1/calls/history")
                    .then().statusCode(200).body("items.size()", equalTo(1));

            List<JsonNode> announced = awaitMissed(bob.id(), 1);
            JsonNode data = announced.get(0).path("data");
            assertThat(data.path("callId").asText()).isEqualTo(callId.toString());
            assertThat(data.path("peerAccountId").asText()).isEqualTo(alice.id().toString());
            assertThat(data.path("missedCount").asLong()).isEqualTo(1);
            assertThat(announced.get(0).path("type").asText()).isEqualTo("call.missed");

            // call.ended delivered again (a consumer restart before its offset commit): nothing new; an unknown
            // call's call.ended is skipped and the next missed call is still announced promptly.
            redeliverCallEnded(callId);
            UUID second = call(alice, bob);
            bob.device().awaitCall("call.offer", second, "ringing");
            action(alice, second, "hangup").statusCode(200);
            awaitMissed(bob.id(), 2);
            assertThat(missedOf(bob.id())).hasSize(2);
            assertThat(missedOf(bob.id()).get(1).path("data").path("missedCount").asLong()).isEqualTo(2);

            given().auth().oauth2(bob.token()).contentType(ContentType.JSON).body("{}")
                    .when().post("/v1/calls/history/missed/seen").then().statusCode(200)
                    .body("count", equalTo(0));
            given().auth().oauth2(bob.token()).when().get("/v1/calls/history/missed").then()
                    .body("count", equalTo(0));
            // The mark only moves forward.
            given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                    .body(Map.of("upTo", "2020-01-01T00:00:00Z")).when().post("/v1/calls/history/missed/seen")
                    .then().statusCode(200).body("count", equalTo(0));
            given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                    .body(Map.of("upTo", OffsetDateTime.now().plusDays(1).toString()))
                    .when().post("/v1/calls/history/missed/seen").then().statusCode(400)
                    .body("errors[0].field", equalTo("upTo"));
            // Alice missed nothing: her cancelled calls are hers, not missed.
            given().auth().oauth2(alice.token()).when().get("/v1/calls/history/missed").then().body("count", equalTo(0));
            assertThat(missedOf(alice.id())).isEmpty();
        }
    }

    @Test
    void aTransferTargetSeesTheCallWithThePartyWhoStayed() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID callId = call(alice, bob);
            bob.device().awaitCall("call.offer", callId, "ringing");
            action(bob, callId, "answer").statusCode(200);
            given().auth().oauth2(bob.token()).contentType(ContentType.JSON).body(Map.of("toAccountId", carol.id()))
                    .when().post("/v1/calls/" + callId + "/transfer").then().statusCode(200);
            carol.device().awaitCall("call.offer", callId, "active");
            action(carol, callId, "answer").statusCode(200);
            action(alice, callId, "hangup").statusCode(200);

            JsonPath carols = awaitEntry(carol, callId);
            assertThat(carols.getString("role")).isEqualTo("transfer-target");
            assertThat(carols.getString("direction")).isEqualTo("incoming");
            assertThat(carols.getString("outcome")).isEqualTo("answered");
            assertThat(carols.getString("peer.accountId")).isEqualTo(alice.id().toString());
            assertThat(awaitEntry(bob, callId).getString("outcome")).isEqualTo("answered");
            assertThat(awaitEntry(alice, callId).getString("outcome")).isEqualTo("answered");
        }
    }

    @Test
    void routingAttemptsOfANoAnswerForwardedToSomeoneWhoAlsoDoesNotAnswerComeInOrder() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID ringRule = UUID.randomUUID();
            UUID forwardRule = UUID.randomUUID();
            publishRules(bob.id(), List.of(rule(ringRule, 0, none(), ring(25)),
                    rule(forwardRule, 1, none(), forwardTo(carol.id()))));
            await().atMost(Duration.ofSeconds(20)).until(() -> CallTestSupport.await(
                    () -> copies.facts(UUID.randomUUID(), bob.id())).calleeRules().size() == 2);

            UUID callId = call(alice, bob);
            bob.device().awaitCall("call.offer", callId, "ringing");
            expireTimer(callId); // Bob does not answer: forward to Carol
            carol.device().awaitCall("call.offer", callId, "ringing");
            expireTimer(callId); // Carol does not answer either: no voicemail, the call ends
            await().atMost(Duration.ofSeconds(20)).until(() -> "ended".equals(given().auth().oauth2(alice.token())
                    .when().get("/v1/calls/" + callId).then().extract().path("state")));

            for (User party : List.of(alice, bob, carol)) {
                given().auth().oauth2(party.token()).when().get("/v1/calls/" + callId + "/routing").then()
                        .statusCode(200)
                        .body("size()", equalTo(2))
                        .body("[0].attempt", equalTo(1)).body("[0].ruleId", equalTo(ringRule.toString()))
                        .body("[0].targetType", equalTo("devices")).body("[0].outcome", equalTo("no-answer"))
                        .body("[1].attempt", equalTo(2)).body("[1].ruleId", equalTo(forwardRule.toString()))
                        .body("[1].targetType", equalTo("user"))
                        .body("[1].target.accountId", equalTo(carol.id().toString()))
                        .body("[1].outcome", equalTo("no-answer"));
            }
            assertThat(awaitEntry(alice, callId).getString("outcome")).isEqualTo("no-answer");
            assertThat(awaitEntry(bob, callId).getString("outcome")).isEqualTo("missed");
            assertThat(awaitEntry(carol, callId).getString("outcome")).isEqualTo("missed");
            assertThat(awaitEntry(carol, callId).getString("peer.accountId")).isEqualTo(alice.id().toString());
        }
    }

    @Test
    void pagesAreNewestFirstAndBadFiltersAreTheClientsMistake() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID[] calls = new UUID[3];
            for (int i = 0; i < calls.length; i++) {
                calls[i] = call(alice, bob);
                bob.device().awaitCall("call.offer", calls[i], "ringing");
                action(bob, calls[i], "reject").statusCode(200);
                awaitEntry(alice, calls[i]);
            }
            JsonPath first = given().auth().oauth2(alice.token()).queryParam("limit", 2).when()
                    .get("/v1/calls/history").then().statusCode(200).body("items.size()", equalTo(2))
                    .extract().jsonPath();
            assertThat(first.getList("items.callId")).containsExactly(calls[2].toString(), calls[1].toString());
            assertThat(first.getList("items.outcome")).containsOnly("rejected");
            given().auth().oauth2(alice.token()).queryParam("limit", 2).queryParam("cursor", first.getString("nextCursor"))
                    .when().get("/v1/calls/history").then().statusCode(200)
                    .body("items.size()", equalTo(1)).body("items[0].callId", equalTo(calls[0].toString()))
                    .body("nextCursor", nullValue());
            given().auth().oauth2(alice.token()).queryParam("from", OffsetDateTime.now().plusHours(1).toString())
                    .when().get("/v1/calls/history").then().statusCode(200).body("items.size()", equalTo(0));

            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("direction", "sideways");
            bad.put("outcome", "lost");
            bad.put("peer", "not-a-peer");
            bad.put("from", "yesterday");
            bad.put("cursor", "bm90LWEtY3Vyc29y");
            for (var entry : bad.entrySet()) {
                given().auth().oauth2(alice.token()).queryParam(entry.getKey(), entry.getValue())
                        .when().get("/v1/calls/history").then().statusCode(400)
                        .contentType("application/problem+json").body("errors[0].field", equalTo(entry.getKey()));
            }
            given().auth().oauth2(alice.token()).queryParam("from", "2026-12-04T10:00:00Z")
                    .queryParam("to", "2026-12-04T09:00:00Z").when().get("/v1/calls/history").then().statusCode(400)
                    .body("errors[0].field", equalTo("to"));
            given().auth().oauth2(alice.token()).queryParam("limit", 0).when().get("/v1/calls/history").then()
                    .statusCode(400);
        }
    }

    @Test
    void retentionDeletesOldCallsWithTheirHistory() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID old = call(alice, bob);
            bob.device().awaitCall("call.offer", old, "ringing");
            action(alice, old, "hangup").statusCode(200);
            UUID recent = call(alice, bob);
            bob.device().awaitCall("call.offer", recent, "ringing");
            action(alice, recent, "hangup").statusCode(200);
            awaitEntry(bob, old);
            awaitEntry(bob, recent);
            rows(pool, "UPDATE call_sessions SET created_at = now() - interval '401 days', "
                    + "ended_at = now() - interval '401 days' WHERE id = $1", old);

            assertThat(CallTestSupport.await(pruner::pruneOnce)).isGreaterThanOrEqualTo(1);
            given().auth().oauth2(bob.token()).when().get("/v1/calls/history/" + old).then().statusCode(404);
            given().auth().oauth2(bob.token()).when().get("/v1/calls/history/" + recent).then().statusCode(200);
            assertThat(rows(pool, "SELECT 1 FROM call_legs WHERE call_id = $1", old)).isEmpty();
        }
    }

    private JsonPath awaitEntry(User who, UUID callId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(who.token()).when()
                .get("/v1/calls/history/" + callId).then().extract().statusCode() == 200);
        return given().auth().oauth2(who.token()).when().get("/v1/calls/history/" + callId).then().statusCode(200)
                .contentType(ContentType.JSON).extract().jsonPath();
    }

    private List<JsonNode> missedOf(UUID account) {
        return missedEvents.getRecords().stream().filter(r -> account.toString().equals(r.key())).map(r -> {
            try {
                return mapper.readTree(r.value());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private List<JsonNode> awaitMissed(UUID account, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> missedOf(account).size() >= count);
        return missedOf(account);
    }

    private void redeliverCallEnded(UUID callId) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> CallEvents.records().getRecords().stream()
                .anyMatch(r -> callId.toString().equals(r.key()) && r.value().contains("\"call.ended\"")));
        var ended = CallEvents.records().getRecords().stream()
                .filter(r -> callId.toString().equals(r.key()) && r.value().contains("\"call.ended\"")).findFirst()
                .orElseThrow();
        kafka.produceStrings().fromRecords(new ProducerRecord<>(CallEvents.TOPIC, ended.key(), ended.value()))
                .awaitCompletion();
        // And one for a call this database does not hold (another deployment on the topic, or pruned): skipped at
        // once, without holding up the calls behind it.
        String foreign = UUID.randomUUID().toString();
        kafka.produceStrings().fromRecords(new ProducerRecord<>(CallEvents.TOPIC, foreign, ended.value()
                .replace(callId.toString(), foreign).replaceFirst("\"id\":\"[^\"]+\"",
                        "\"id\":\"" + UUID.randomUUID() + "\""))).awaitCompletion();
    }

    private void expireTimer(UUID callId) throws Exception {
        rows(pool, "UPDATE call_sessions SET timer_at = now() - interval '1 second' WHERE id = $1 "
                + "AND timer_at IS NOT NULL", callId);
    }

    private void publishRules(UUID account, List<?> rules) throws Exception {
        publish(account, "routing-rules.changed", Map.of("accountId", account.toString(), "rules", rules));
    }

    private void publishName(UUID account, String name) throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountId", account.toString());
        data.put("displayName", name);
        data.put("phoneE164", null);
        data.put("timeZone", "UTC");
        publish(account, "profile.updated", data);
    }

    private void publish(UUID key, String type, Map<String, Object> data) throws Exception {
        Map<String, Object> envelope = Map.of("specversion", "1.0", "id", UUID.randomUUID().toString(),
                "source", "/ucp/test", "type", type, "time", OffsetDateTime.now().toString(),
                "sequence", SEQUENCE.incrementAndGet(), "datacontenttype", "application/json", "data", data);
        kafka.produceStrings().fromRecords(new ProducerRecord<>("identity.events.test", key.toString(),
                mapper.writeValueAsString(envelope))).awaitCompletion();
    }
}
