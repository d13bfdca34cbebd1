package io.ucp.signaling.queue;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.count;
import static io.ucp.signaling.call.CallTestSupport.rows;
import static io.ucp.signaling.call.CallTestSupport.user;
import static io.ucp.signaling.queue.QueueFixtures.ADMIN;
import static io.ucp.signaling.queue.QueueFixtures.agent;
import static io.ucp.signaling.queue.QueueFixtures.awaitAgentStates;
import static io.ucp.signaling.queue.QueueFixtures.awaitMemberState;
import static io.ucp.signaling.queue.QueueFixtures.enter;
import static io.ucp.signaling.queue.QueueFixtures.login;
import static io.ucp.signaling.queue.QueueFixtures.memberState;
import static io.ucp.signaling.queue.QueueFixtures.offered;
import static io.ucp.signaling.queue.QueueFixtures.presence;
import static io.ucp.signaling.queue.QueueFixtures.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallEvents;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.call.CallTimers;
import io.ucp.signaling.platform.events.IncomingEvent;
import io.ucp.signaling.routing.AccountCopies;
import io.ucp.signaling.routing.IdentityRules;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ACD queues through the public API: a queue with two agents for each strategy, agent no-answer and decline,
 * repeated misses, caller abandon, max-wait overflow, wrap-up then the next caller, positions, statistics. For each
 * call, the events on call.events are exactly its lifecycle, in order.
 */
@QuarkusTest
class QueueTest {

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    Pool pool;
    @Inject
    AccountCopies copies;
    @Inject
    CallTimers timers;
    @Inject
    ObjectMapper mapper;
    @Inject
    QueueSweeper sweeper;

    @Test
    void ringAllOffersBothAgentsTheFirstToAnswerTakesTheCallThenWrapsUp() throws Throwable {
        UUID q = queue(Map.of("strategy", "ring-all", "wrapUpSeconds", 1));
        try (User a = agent(channel, copies, q); User b = agent(channel, copies, q); User caller = user(channel, 1)) {
            login(a, q);
            login(b, q);
            UUID callId = enter(caller, q);
            a.device().awaitCall("call.offer", callId, "ringing");
            b.device().awaitCall("call.offer", callId, "ringing");
            action(a, callId, "answer").statusCode(200).body("state", equalTo("active"))
                    .body("queueId", equalTo(q.toString())).body("waitingInQueue", equalTo(false));
            b.device().awaitCall("call.update", callId, "active");
            assertThat(memberState(pool, q, a.id())).isEqualTo("on-call");
            assertThat(memberState(pool, q, b.id())).isEqualTo("available");
            action(caller, callId, "hangup").statusCode(200).body("endCause", equalTo("normal"));

            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "queue.left", "call.answered",
                    "call.ended");
            List<IncomingEvent> events = CallEvents.of(callId);
            assertThat(events).extracting(e -> e.data().path("call").path("version").asLong())
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(events.get(1).data().path("queueId").asText()).isEqualTo(q.toString());
            assertThat(events.get(1).data().path("call").path("state").asText()).isEqualTo("ringing");
            assertThat(events.get(2).data().path("call").path("legs").findValuesAsText("role"))
                    .containsExactly("caller", "agent", "agent");
            assertThat(events.get(3).data().path("reason").asText()).isEqualTo("answered");
            assertThat(events.get(5).data().path("call").path("payingAccountId").asText())
                    .isEqualTo(caller.id().toString());
            // Billing copies the queue into the CDR from call.ended.
            assertThat(events.get(5).data().path("call").path("queueId").asText()).isEqualTo(q.toString());
            assertThat(events.get(1).data().path("call").path("waitingInQueue").asBoolean()).isTrue();
            awaitAgentStates(a.id(), q, "available", "on-call", "wrap-up", "available");
            awaitAgentStates(b.id(), q, "available");

            List<Row> attempts = rows(pool, "SELECT target_type, outcome, queue_id FROM call_routing "
                    + "WHERE call_id = $1 ORDER BY attempt_no", callId);
            assertThat(attempts).extracting(r -> r.getString("target_type")).containsExactly("queue", "agent");
            assertThat(attempts).extracting(r -> r.getString("outcome")).containsExactly("answered", "answered");
            assertThat(attempts).extracting(r -> r.getUUID("queue_id")).containsOnly(q);
            assertThat(count(pool, "SELECT calls_answered FROM queue_members WHERE queue_id = $1 AND account_id = $2",
                    q, a.id())).isEqualTo(1);
        }
    }

    /** Agent B comes first by the strategy although A has the better priority: the strategy orders, then priority. */
    @ParameterizedTest
    @ValueSource(strings = {"longest-idle", "round-robin", "fewest-calls"})
    void theStrategyChoosesTheAgent(String strategy) throws Throwable {
        UUID q = queue(Map.of("strategy", strategy));
        try (User a = agent(channel, copies, q, 1, 0); User b = agent(channel, copies, q, 1, 5);
                User caller = user(channel, 1)) {
            login(a, q);
            login(b, q);
            switch (strategy) {
                case "longest-idle" -> preferAgent(q, "last_call_ended_at", b.id());
                case "round-robin" -> preferAgent(q, "last_offered_at", b.id());
                default -> count(pool, "WITH u AS (UPDATE queue_members SET calls_answered = CASE account_id "
                        + "WHEN $2 THEN 1 ELSE 5 END WHERE queue_id = $1 RETURNING 1) SELECT count(*) FROM u", q, b.id());
            }

            UUID callId = enter(caller, q);
            b.device().awaitCall("call.offer", callId, "ringing");
            assertThat(offered(a, callId)).isFalse();
            action(b, callId, "answer").statusCode(200);
            action(b, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "queue.left", "call.answered",
                    "call.ended");
            assertThat(offered(a, callId)).isFalse();
        }
    }

    @Test
    void randomOffersOneOfTheAgentsAndLowerTiersWait() throws Throwable {
        UUID q = queue(Map.of("strategy", "random"));
        try (User a = agent(channel, copies, q, 1, 0); User b = agent(channel, copies, q, 1, 0);
                User backup = agent(channel, copies, q, 2, 0); User caller = user(channel, 1)) {
            login(a, q);
            login(b, q);
            login(backup, q);
            UUID callId = enter(caller, q);
            await().atMost(Duration.ofSeconds(15)).until(() -> offered(a, callId) || offered(b, callId));
            User chosen = offered(a, callId) ? a : b;
            assertThat(offered(chosen == a ? b : a, callId)).isFalse();
            assertThat(offered(backup, callId)).isFalse();
            action(chosen, callId, "answer").statusCode(200);
            action(caller, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "queue.left", "call.answered",
                    "call.ended");
        }
    }

    @Test
    void anAgentWhoDoesNotAnswerMissesAndTheOfferMovesOn() throws Throwable {
        UUID q = queue(Map.of("strategy", "round-robin", "offerTimeoutSeconds", 1));
        try (User a = agent(channel, copies, q); User b = agent(channel, copies, q); User caller = user(channel, 1)) {
            login(a, q);
            login(b, q);
            preferAgent(q, "last_offered_at", b.id());
            UUID callId = enter(caller, q);
            b.device().awaitCall("call.offer", callId, "ringing");
            assertThat(offered(a, callId)).isFalse();
            a.device().awaitCall("call.offer", callId, "ringing");
            action(b, callId, "answer").statusCode(409);
            action(a, callId, "answer").statusCode(200);
            action(a, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "call.ringing", "queue.left",
                    "call.answered", "call.ended");
            assertThat(count(pool, "SELECT missed_offers FROM queue_members WHERE queue_id = $1 AND account_id = $2",
                    q, b.id())).isEqualTo(1);
            assertThat(memberState(pool, q, b.id())).isEqualTo("available");
            List<Row> attempts = rows(pool, "SELECT target_type, outcome, target -> 'accountIds' ->> 0 AS agent "
                    + "FROM call_routing WHERE call_id = $1 ORDER BY attempt_no", callId);
            assertThat(attempts).extracting(r -> r.getString("target_type")).containsExactly("queue", "agent", "agent");
            assertThat(attempts).extracting(r -> r.getString("outcome"))
                    .containsExactly("answered", "no-answer", "answered");
            assertThat(attempts.get(1).getString("agent")).isEqualTo(b.id().toString());
            assertThat(attempts.get(2).getString("agent")).isEqualTo(a.id().toString());
        }
    }

    @Test
    void anAgentDecliningOnTheDeviceMovesTheOfferOn() throws Throwable {
        UUID q = queue(Map.of("strategy", "longest-idle"));
        try (User a = agent(channel, copies, q); User b = agent(channel, copies, q); User caller = user(channel, 1)) {
            UUID callId = offerToTheFirstOfTwo(q, a, b, caller);
            a.device().send(Map.of("type", "reject", "callId", callId.toString(), "ref", "r1"));
            b.device().awaitCall("call.offer", callId, "ringing");
            caller.device().awaitCall("call.update", callId, "ringing");
            action(b, callId, "answer").statusCode(200);
            action(caller, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "call.ringing", "queue.left",
                    "call.answered", "call.ended");
            assertThat(rows(pool, "SELECT outcome FROM call_routing WHERE call_id = $1 AND target_type = 'agent' "
                    + "ORDER BY attempt_no", callId)).extracting(r -> r.getString("outcome"))
                    .containsExactly("rejected", "answered");
        }
    }

    @Test
    void repeatedMissesPauseTheAgent() throws Throwable {
        UUID q = queue(Map.of("offerTimeoutSeconds", 1, "maxMissedOffers", 2));
        try (User a = agent(channel, copies, q); User caller = user(channel, 1)) {
            login(a, q);
            UUID callId = enter(caller, q);
            awaitMemberState(pool, q, a.id(), "paused");
            Row member = rows(pool, "SELECT paused_reason, missed_offers FROM queue_members WHERE queue_id = $1 "
                    + "AND account_id = $2", q, a.id()).get(0);
            assertThat(member.getString("paused_reason")).isEqualTo("missed offers");
            assertThat(member.getInteger("missed_offers")).isEqualTo(2);
            awaitAgentStates(a.id(), q, "available", "paused");

            action(caller, callId, "hangup").statusCode(200).body("endCause", equalTo("cancelled"));
            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "call.ringing", "queue.left",
                    "call.ended");
            assertThat(CallEvents.of(callId).get(4).data().path("reason").asText()).isEqualTo("abandoned");

            QueueFixtures.agentAction(a.token(), "me", "unpause", q, null).statusCode(200)
                    .body("[0].state", equalTo("available")).body("[0].missedOffers", equalTo(0));
        }
    }

    @Test
    void callersWaitInOrderWithPositionsAndAnAgentWhosePresenceComesBackTakesTheFirst() throws Throwable {
        UUID q = queue(Map.of());
        try (User x = agent(channel, copies, q); User first = user(channel, 1); User second = user(channel, 1)) {
            presence(copies, x.id(), "offline");
            login(x, q);
            UUID c1 = enter(first, q);
            UUID c2 = enter(second, q);
            // One staffed agent, no history: 120 s default handle time per caller ahead, position included.
            given().auth().oauth2(second.token()).when().get("/v1/calls/" + c2 + "/queue").then().statusCode(200)
                    .body("position", equalTo(2)).body("estimatedWaitSeconds", equalTo(240))
                    .body("queueId", equalTo(q.toString()));
            second.device().awaitMessage("queue.position", m -> m.path("position").asInt() == 2);
            given().auth().oauth2(first.token()).when().get("/v1/calls/" + c2 + "/queue").then().statusCode(404);
            given().auth().oauth2(ADMIN).when().get("/v1/calls/" + c1 + "/queue").then().statusCode(200)
                    .body("position", equalTo(1)).body("estimatedWaitSeconds", equalTo(120));
            assertThat(offered(x, c1)).isFalse();

            // Presence comes back: the sweep offers the agent the longest-waiting caller.
            presence(copies, x.id(), "available");
            x.device().awaitCall("call.offer", c1, "ringing");
            action(x, c1, "answer").statusCode(200);
            second.device().awaitMessage("queue.position", m -> m.path("position").asInt() == 1);
            given().auth().oauth2(second.token()).when().get("/v1/calls/" + c2 + "/queue").then().statusCode(200)
                    .body("position", equalTo(1));
            given().auth().oauth2(first.token()).when().get("/v1/calls/" + c1 + "/queue").then().statusCode(409);

            action(second, c2, "hangup").statusCode(200).body("endCause", equalTo("cancelled"));
            action(x, c1, "hangup").statusCode(200);
            assertEvents(pool, c1, "call.created", "queue.entered", "call.ringing", "queue.left", "call.answered",
                    "call.ended");
            assertEvents(pool, c2, "call.created", "queue.entered", "queue.left", "call.ended");
            assertThat(CallEvents.of(c2).get(2).data().path("reason").asText()).isEqualTo("abandoned");
        }
    }

    @Test
    void aDndAgentIsNotOffered() throws Throwable {
        UUID q = queue(Map.of());
        try (User x = agent(channel, copies, q); User caller = user(channel, 1)) {
            presence(copies, x.id(), "dnd");
            login(x, q);
            UUID callId = enter(caller, q);
            // Two sweeps later still nobody was offered the call.
            await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                    .until(() -> !offered(x, callId));
            action(caller, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "queue.left", "call.ended");
        }
    }

    @Test
    void maxWaitOverflowsToAUser() throws Throwable {
        try (User overflow = user(channel, 1); User caller = user(channel, 1)) {
            UUID q = queue(Map.of("maxWaitSeconds", 1, "overflowTarget",
                    Map.of("type", "user", "accountId", overflow.id())));
            UUID callId = enter(caller, q);
            overflow.device().awaitCall("call.offer", callId, "ringing");
            action(overflow, callId, "answer").statusCode(200);
            action(caller, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "queue.left", "call.ringing", "call.answered",
                    "call.ended");
            assertThat(CallEvents.of(callId).get(2).data().path("reason").asText()).isEqualTo("timeout");
            assertThat(rows(pool, "SELECT target_type, outcome FROM call_routing WHERE call_id = $1 ORDER BY attempt_no",
                    callId)).extracting(r -> r.getString("target_type") + ":" + r.getString("outcome"))
                    .containsExactly("queue:timeout", "user:answered");
        }
    }

    @Test
    void maxWaitOverflowsToAnotherQueue() throws Throwable {
        UUID second = queue(Map.of());
        UUID first = queue(Map.of("maxWaitSeconds", 1, "overflowTarget", Map.of("type", "queue", "queueId", second)));
        try (User a = agent(channel, copies, second); User caller = user(channel, 1)) {
            login(a, second);
            UUID callId = enter(caller, first);
            a.device().awaitCall("call.offer", callId, "ringing");
            action(a, callId, "answer").statusCode(200);
            action(a, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "queue.left", "queue.entered", "call.ringing",
                    "queue.left", "call.answered", "call.ended");
            List<IncomingEvent> events = CallEvents.of(callId);
            assertThat(events.get(1).data().path("queueId").asText()).isEqualTo(first.toString());
            assertThat(events.get(3).data().path("queueId").asText()).isEqualTo(second.toString());
        }
    }

    @Test
    void maxWaitWithoutOverflowEndsTimeoutAndAFullQueueRefusesBusy() throws Throwable {
        UUID q = queue(Map.of("maxWaitSeconds", 1, "maxSize", 1));
        try (User caller = user(channel, 1); User late = user(channel, 1)) {
            UUID callId = enter(caller, q);
            QueueFixtures.callQueue(late, q, null).statusCode(201).body("state", equalTo("ended"))
                    .body("endCause", equalTo("busy"));
            await().atMost(Duration.ofSeconds(15)).until(() -> count(pool,
                    "SELECT count(*) FROM call_sessions WHERE id = $1 AND end_cause = 'timeout'", callId) == 1);
            caller.device().awaitCall("call.update", callId, "ended");
            assertEvents(pool, callId, "call.created", "queue.entered", "queue.left", "call.ended");
            UUID refused = UUID.fromString(rows(pool, "SELECT id FROM call_sessions WHERE caller_account_id = $1",
                    late.id()).get(0).getUUID("id").toString());
            assertEvents(pool, refused, "call.created", "call.ended");
            assertThat(rows(pool, "SELECT outcome, reason FROM call_routing WHERE call_id = $1", refused).get(0)
                    .getString("reason")).contains("full");
        }
    }

    @Test
    void aPersistedMaxWaitFiresOnceWithTwoPollersRacing() throws Throwable {
        UUID q = queue(Map.of("maxWaitSeconds", 300));
        try (User caller = user(channel, 1)) {
            UUID callId = enter(caller, q);
            Row timer = rows(pool, "SELECT timer_kind, timer_at > now() + interval '200 seconds' AS later "
                    + "FROM call_sessions WHERE id = $1", callId).get(0);
            assertThat(timer.getString("timer_kind")).isEqualTo("queue-max-wait");
            assertThat(timer.getBoolean("later")).isTrue();
            // As after a restart: only the row knows the timer is due.
            count(pool, "WITH u AS (UPDATE call_sessions SET timer_at = now() - interval '1 second' WHERE id = $1 "
                    + "RETURNING 1) SELECT count(*) FROM u", callId);
            CallTestSupport.raceTwice(timers::fireDue);
            await().atMost(Duration.ofSeconds(10)).until(() -> count(pool,
                    "SELECT count(*) FROM call_sessions WHERE id = $1 AND end_cause = 'timeout'", callId) == 1);
            assertEvents(pool, callId, "call.created", "queue.entered", "queue.left", "call.ended");
        }
    }

    @Test
    void persistedOfferAndWrapUpTimersFireOnceWithTwoPollersRacing() throws Throwable {
        UUID q = queue(Map.of("offerTimeoutSeconds", 300, "wrapUpSeconds", 300));
        try (User a = agent(channel, copies, q); User caller = user(channel, 1)) {
            login(a, q);
            UUID callId = enter(caller, q);
            a.device().awaitCall("call.offer", callId, "ringing");
            // As after a restart: the offer's deadline is only in the row.
            assertThat(count(pool, "WITH u AS (UPDATE call_sessions SET offer_timer_at = now() - interval '1 second' "
                    + "WHERE id = $1 AND offer_timer_at > now() + interval '200 seconds' RETURNING 1) "
                    + "SELECT count(*) FROM u", callId)).isEqualTo(1);
            CallTestSupport.raceTwice(timers::fireDue);
            // The only agent is offered again (the offer moved on to nobody else) after exactly one miss.
            await().atMost(Duration.ofSeconds(10)).until(() -> count(pool, "SELECT count(*) FROM call_routing "
                    + "WHERE call_id = $1 AND target_type = 'agent'", callId) == 2);
            assertThat(count(pool, "SELECT missed_offers FROM queue_members WHERE queue_id = $1 AND account_id = $2",
                    q, a.id())).isEqualTo(1);
            action(a, callId, "answer").statusCode(200);
            action(caller, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "call.ringing", "queue.left",
                    "call.answered", "call.ended");

            assertThat(count(pool, "WITH u AS (UPDATE queue_members SET wrap_up_until = now() - interval '1 second' "
                    + "WHERE queue_id = $1 AND account_id = $2 AND state = 'wrap-up' RETURNING 1) "
                    + "SELECT count(*) FROM u", q, a.id())).isEqualTo(1);
            CallTestSupport.raceTwice(sweeper::endWrapUps);
            awaitMemberState(pool, q, a.id(), "available");
            awaitAgentStates(a.id(), q, "available", "on-call", "wrap-up", "available");
            assertThat(count(pool, "SELECT count(*) FROM outbox_events WHERE event_key = $1 "
                    + "AND event_type = 'agent.state-changed'", a.id().toString())).isEqualTo(4);
        }
    }

    @Test
    void loggingOutWithdrawsTheRingingOfferWhichMovesOnWithoutAMiss() throws Throwable {
        UUID q = queue(Map.of("strategy", "longest-idle"));
        try (User a = agent(channel, copies, q); User b = agent(channel, copies, q); User caller = user(channel, 1)) {
            UUID callId = offerToTheFirstOfTwo(q, a, b, caller);
            QueueFixtures.agentAction(a.token(), "me", "logout", null, null).statusCode(200)
                    .body("[0].state", equalTo("logged-out"));
            b.device().awaitCall("call.offer", callId, "ringing");
            a.device().awaitMessage("call.update", m -> callId.toString().equals(m.path("callId").asText())
                    && m.path("call").path("legs").findValuesAsText("endCause").contains("cancelled"));
            action(b, callId, "answer").statusCode(200);
            action(caller, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "call.ringing", "queue.left",
                    "call.answered", "call.ended");
            assertThat(count(pool, "SELECT missed_offers FROM queue_members WHERE queue_id = $1 AND account_id = $2",
                    q, a.id())).isEqualTo(0);
            assertThat(rows(pool, "SELECT outcome FROM call_routing WHERE call_id = $1 AND target_type = 'agent' "
                    + "ORDER BY attempt_no", callId)).extracting(r -> r.getString("outcome"))
                    .containsExactly("cancelled", "answered");
            awaitAgentStates(a.id(), q, "available", "logged-out");
        }
    }

    @Test
    void afterWrapUpTheAgentTakesTheNextCaller() throws Throwable {
        UUID q = queue(Map.of("wrapUpSeconds", 1));
        try (User a = agent(channel, copies, q); User first = user(channel, 1); User second = user(channel, 1)) {
            login(a, q);
            UUID c1 = enter(first, q);
            a.device().awaitCall("call.offer", c1, "ringing");
            action(a, c1, "answer").statusCode(200);
            UUID c2 = enter(second, q);
            action(a, c1, "hangup").statusCode(200);
            assertThat(memberState(pool, q, a.id())).isEqualTo("wrap-up");
            assertThat(offered(a, c2)).isFalse();
            a.device().awaitCall("call.offer", c2, "ringing");
            action(a, c2, "answer").statusCode(200);
            action(second, c2, "hangup").statusCode(200);
            assertEvents(pool, c2, "call.created", "queue.entered", "call.ringing", "queue.left", "call.answered",
                    "call.ended");
            awaitAgentStates(a.id(), q, "available", "on-call", "wrap-up", "available", "on-call", "wrap-up",
                    "available");
        }
    }

    @Test
    void aRoutingRuleQueuesAnInternalCall() throws Throwable {
        UUID q = queue(Map.of());
        try (User a = agent(channel, copies, q); User alice = user(channel, 1); User bob = user(channel, 0)) {
            login(a, q);
            UUID rule = UUID.randomUUID();
            CallTestSupport.await(() -> copies.putRules(bob.id(), System.currentTimeMillis(), mapper.valueToTree(
                    List.of(IdentityRules.rule(rule, 0, IdentityRules.none(), IdentityRules.queue(q))))));
            String id = CallTestSupport.originate(alice, bob.id(), null).statusCode(201)
                    .body("queueId", equalTo(q.toString())).body("calleeKind", equalTo("user")).extract()
                    .path("callId");
            UUID callId = UUID.fromString(id);
            a.device().awaitCall("call.offer", callId, "ringing");
            action(a, callId, "answer").statusCode(200);
            action(alice, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "queue.entered", "call.ringing", "queue.left", "call.answered",
                    "call.ended");
            assertThat(rows(pool, "SELECT rule_id FROM call_routing WHERE call_id = $1 AND target_type = 'queue'",
                    callId).get(0).getUUID("rule_id")).isEqualTo(rule);
        }
    }

    @Test
    void statisticsFollowTheStatedFormulas() throws Throwable {
        UUID q = queue(Map.of("serviceLevelSeconds", 10));
        try (User a = agent(channel, copies, q); User caller = user(channel, 1)) {
            login(a, q);
            UUID[] calls = new UUID[4];
            for (int i = 0; i < 4; i++) {
                calls[i] = enter(caller, q);
                a.device().awaitCall("call.offer", calls[i], "ringing");
                if (i < 2) {
                    action(a, calls[i], "answer").statusCode(200);
                    action(a, calls[i], "hangup").statusCode(200);
                } else {
                    action(caller, calls[i], "hangup").statusCode(200);
                }
                awaitMemberState(pool, q, a.id(), "available");
            }
            // Fixed waits: answered after 2 s and 15 s, abandoned after 12 s (late) and 3 s (early).
            int[] waits = {2, 15, 12, 3};
            for (int i = 0; i < 4; i++) {
                count(pool, "WITH u AS (UPDATE call_routing SET started_at = ended_at - make_interval(secs => $2) "
                        + "WHERE call_id = $1 AND target_type = 'queue' RETURNING 1) SELECT count(*) FROM u",
                        calls[i], (double) waits[i]);
            }
            var stats = given().auth().oauth2(a.token()).when().get("/v1/queues/" + q + "/stats").then()
                    .statusCode(200).extract();
            assertThat((int) stats.path("answered")).isEqualTo(2);
            assertThat((int) stats.path("abandoned")).isEqualTo(2);
            assertThat((int) stats.path("waiting")).isEqualTo(0);
            assertThat(((Number) stats.path("averageWaitSeconds")).doubleValue()).isCloseTo(8.5,
                    org.assertj.core.data.Offset.offset(0.01));
            assertThat((int) stats.path("answeredWithinServiceLevel")).isEqualTo(1);
            // 1 answered within 10 s ÷ (2 answered + 1 abandoned after 10 s).
            assertThat(((Number) stats.path("serviceLevel")).doubleValue()).isCloseTo(1.0 / 3,
                    org.assertj.core.data.Offset.offset(0.0001));

            QueueFixtures.agentAction(a.token(), "me", "pause", q, null).statusCode(200);
            UUID waiting = enter(caller, q);
            given().auth().oauth2(ADMIN).when().get("/v1/queues/" + q + "/stats").then().statusCode(200)
                    .body("waiting", equalTo(1)).body("agentsAvailable", equalTo(0));
            given().auth().oauth2(caller.token()).when().get("/v1/queues/" + q + "/stats").then().statusCode(404);
            action(caller, waiting, "hangup").statusCode(200);
        }
    }

    @Test
    void adminValidationAuthorizationAndIdempotency() throws Throwable {
        try (User agentUser = user(channel, 1); User other = user(channel, 1)) {
            given().auth().oauth2(agentUser.token()).contentType("application/json").body(Map.of("name", "x"))
                    .when().post("/v1/queues").then().statusCode(403).contentType("application/problem+json");
            badQueue(Map.of(), "name");
            badQueue(Map.of("name", "n-" + UUID.randomUUID(), "strategy", "fifo"), "strategy");
            badQueue(Map.of("name", "n-" + UUID.randomUUID(), "maxWaitSeconds", 0), "maxWaitSeconds");
            badQueue(Map.of("name", "n-" + UUID.randomUUID(), "overflowTarget", Map.of("type", "user")),
                    "overflowTarget.accountId");
            badQueue(Map.of("name", "n-" + UUID.randomUUID(), "overflowTarget",
                    Map.of("type", "queue", "queueId", UUID.randomUUID())), "overflowTarget.queueId");

            String name = "dup-" + UUID.randomUUID();
            String key = "create-" + UUID.randomUUID();
            String id = given().auth().oauth2(ADMIN).contentType("application/json").header("Idempotency-Key", key)
                    .body(Map.of("name", name)).when().post("/v1/queues").then().statusCode(201)
                    .body("strategy", equalTo("ring-all")).body("maxWaitSeconds", equalTo(300)).extract().path("id");
            given().auth().oauth2(ADMIN).contentType("application/json").header("Idempotency-Key", key)
                    .body(Map.of("name", name)).when().post("/v1/queues").then().statusCode(201)
                    .body("id", equalTo(id));
            given().auth().oauth2(ADMIN).contentType("application/json").header("Idempotency-Key", key)
                    .body(Map.of("name", name + "x")).when().post("/v1/queues").then().statusCode(422);
            assertThat(count(pool, "SELECT count(*) FROM call_queues WHERE name = $1", name)).isEqualTo(1);
            given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("name", name))
                    .when().post("/v1/queues").then().statusCode(409);
            UUID q = UUID.fromString(id);
            given().auth().oauth2(ADMIN).when().get("/v1/queues/" + UUID.randomUUID()).then().statusCode(404);
            given().auth().oauth2(agentUser.token()).when().get("/v1/queues/" + q).then().statusCode(403);
            given().auth().oauth2(ADMIN).contentType("application/json")
                    .body(Map.of("name", name, "strategy", "round-robin")).when().put("/v1/queues/" + q).then()
                    .statusCode(200).body("strategy", equalTo("round-robin"));
            given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("name", "u-" + UUID.randomUUID()))
                    .when().put("/v1/queues/" + UUID.randomUUID()).then().statusCode(404);
            assertThat(pageThroughQueues()).contains(id);

            // Members: validation, duplicates, replay.
            given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("tier", 1))
                    .when().post("/v1/queues/" + q + "/members").then().statusCode(400)
                    .body("errors[0].field", equalTo("accountId"));
            given().auth().oauth2(ADMIN).contentType("application/json")
                    .body(Map.of("accountId", agentUser.id(), "tier", 0)).when().post("/v1/queues/" + q + "/members")
                    .then().statusCode(400).body("errors[0].field", equalTo("tier"));
            given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("accountId", agentUser.id()))
                    .when().post("/v1/queues/" + UUID.randomUUID() + "/members").then().statusCode(404);
            String memberKey = "member-" + UUID.randomUUID();
            for (int i = 0; i < 2; i++) {
                given().auth().oauth2(ADMIN).contentType("application/json").header("Idempotency-Key", memberKey)
                        .body(Map.of("accountId", agentUser.id(), "tier", 2)).when()
                        .post("/v1/queues/" + q + "/members").then().statusCode(201).body("tier", equalTo(2))
                        .body("state", equalTo("logged-out"));
            }
            given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("accountId", agentUser.id()))
                    .when().post("/v1/queues/" + q + "/members").then().statusCode(409);
            given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("priority", 7))
                    .when().put("/v1/queues/" + q + "/members/" + agentUser.id()).then().statusCode(200)
                    .body("priority", equalTo(7)).body("tier", equalTo(2));

            // Agents act for themselves only; a replayed login changes nothing more.
            QueueFixtures.agentAction(other.token(), agentUser.id().toString(), "login", q, null).statusCode(403);
            QueueFixtures.agentAction(other.token(), "me", "login", q, null).statusCode(404);
            QueueFixtures.agentAction(agentUser.token(), "me", "logout", q, null).statusCode(409);
            String loginKey = "login-" + UUID.randomUUID();
            for (int i = 0; i < 2; i++) {
                QueueFixtures.agentAction(agentUser.token(), "me", "login", null, loginKey).statusCode(200)
                        .body("[0].state", equalTo("available"));
            }
            QueueFixtures.agentAction(agentUser.token(), "me", "login", null, null).statusCode(409);
            assertThat(count(pool, "SELECT count(*) FROM outbox_events WHERE event_key = $1 "
                    + "AND event_type = 'agent.state-changed'", agentUser.id().toString())).isEqualTo(1);
            QueueFixtures.agentAction(ADMIN, agentUser.id().toString(), "pause", q, null).statusCode(200)
                    .body("[0].state", equalTo("paused"));
            given().auth().oauth2(agentUser.token()).when().get("/v1/agents/me/memberships").then().statusCode(200)
                    .body("[0].queueId", equalTo(id)).body("[0].state", equalTo("paused"));
            given().auth().oauth2(other.token()).when().get("/v1/agents/" + agentUser.id() + "/memberships").then()
                    .statusCode(403);
            given().auth().oauth2(agentUser.token()).contentType("application/json")
                    .body(Map.of("queueId", q, "reason", "")).when().post("/v1/agents/me/pause").then()
                    .statusCode(400).body("errors[0].field", equalTo("reason"));
            // Replay entries on a membership expire: once the login key is a day old, the next keyed action
            // drops it (the row keeps only live keys), and that login key no longer replays.
            assertThat(count(pool, "WITH u AS (UPDATE queue_members SET action_keys = (SELECT jsonb_object_agg(e.key, "
                    + "e.value || '{\"at\": 0}'::jsonb) FROM jsonb_each(action_keys) e) WHERE account_id = $1 "
                    + "RETURNING 1) SELECT count(*) FROM u", agentUser.id())).isEqualTo(1);
            QueueFixtures.agentAction(agentUser.token(), "me", "unpause", q, "unpause-" + UUID.randomUUID())
                    .statusCode(200).body("[0].state", equalTo("available"));
            assertThat(count(pool, "SELECT count(*) FROM queue_members m, jsonb_object_keys(m.action_keys) k "
                    + "WHERE m.account_id = $1", agentUser.id())).isEqualTo(1);
            QueueFixtures.agentAction(agentUser.token(), "me", "login", null, loginKey).statusCode(409);
            QueueFixtures.agentAction(ADMIN, agentUser.id().toString(), "pause", q, null).statusCode(200);

            // Calls into queues: bad target, unknown queue, replayed originate, delete refused while waiting.
            given().auth().oauth2(other.token()).contentType("application/json").body(Map.of("deviceId",
                    other.device().deviceId, "toQueueId", q, "toAccountId", agentUser.id())).when().post("/v1/calls")
                    .then().statusCode(400);
            QueueFixtures.callQueue(other, UUID.randomUUID(), null).statusCode(404);
            String callKey = "call-" + UUID.randomUUID();
            String callId = QueueFixtures.callQueue(other, q, callKey).statusCode(201).extract().path("callId");
            QueueFixtures.callQueue(other, q, callKey).statusCode(201).body("callId", equalTo(callId));
            assertThat(count(pool, "SELECT count(*) FROM call_sessions WHERE caller_account_id = $1", other.id()))
                    .isEqualTo(1);
            given().auth().oauth2(ADMIN).when().delete("/v1/queues/" + q).then().statusCode(409);
            action(other, UUID.fromString(callId), "hangup").statusCode(200);
            given().auth().oauth2(ADMIN).when().delete("/v1/queues/" + q + "/members/" + agentUser.id()).then()
                    .statusCode(204);
            given().auth().oauth2(ADMIN).when().delete("/v1/queues/" + q).then().statusCode(204);
            given().auth().oauth2(ADMIN).when().get("/v1/queues/" + q).then().statusCode(404);
        }
    }

    /** Both agents log in to a longest-idle queue, {@code a} idle longer; the caller enters and a is offered. */
    private UUID offerToTheFirstOfTwo(UUID q, User a, User b, User caller) throws Exception {
        login(a, q);
        login(b, q);
        preferAgent(q, "last_call_ended_at", a.id());
        UUID callId = enter(caller, q);
        a.device().awaitCall("call.offer", callId, "ringing");
        return callId;
    }

    /** Makes {@code first} the agent a time-based strategy prefers: its column an hour ago, the others' a minute. */
    private void preferAgent(UUID q, String column, UUID first) throws Exception {
        count(pool, "WITH u AS (UPDATE queue_members SET " + column + " = CASE account_id WHEN $2 THEN "
                + "now() - interval '1 hour' ELSE now() - interval '1 minute' END WHERE queue_id = $1 RETURNING 1) "
                + "SELECT count(*) FROM u", q, first);
    }

    private static void badQueue(Map<String, Object> body, String field) {
        given().auth().oauth2(ADMIN).contentType("application/json").body(body).when().post("/v1/queues").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo(field));
    }

    private static List<String> pageThroughQueues() {
        List<String> ids = new java.util.ArrayList<>();
        String cursor = null;
        do {
            var page = given().auth().oauth2(ADMIN).queryParam("limit", 50);
            if (cursor != null) {
                page = page.queryParam("cursor", cursor);
            }
            var body = page.when().get("/v1/queues").then().statusCode(200).extract();
            ids.addAll(body.path("items.id"));
            cursor = body.path("nextCursor");
        } while (cursor != null);
        return ids;
    }
}
