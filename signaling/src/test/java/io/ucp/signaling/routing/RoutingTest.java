package io.ucp.signaling.routing;

import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.count;
import static io.ucp.signaling.call.CallTestSupport.originate;
import static io.ucp.signaling.call.CallTestSupport.rows;
import static io.ucp.signaling.call.CallTestSupport.user;
import static io.ucp.signaling.routing.IdentityRules.forwardTo;
import static io.ucp.signaling.routing.IdentityRules.forwardToNumber;
import static io.ucp.signaling.routing.IdentityRules.none;
import static io.ucp.signaling.routing.IdentityRules.prefixes;
import static io.ucp.signaling.routing.IdentityRules.presence;
import static io.ucp.signaling.routing.IdentityRules.reject;
import static io.ucp.signaling.routing.IdentityRules.ring;
import static io.ucp.signaling.routing.IdentityRules.rule;
import static io.ucp.signaling.routing.IdentityRules.windows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.call.CallTimers;
import io.ucp.signaling.call.Trunks;
import io.ucp.signaling.device.DeviceClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inbound routing from identity's rules, persisted ring timers, suspension and billing refusal. */
@QuarkusTest
class RoutingTest {

    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis());
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static KafkaCompanion kafka;

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

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void noAnswerMovesToTheNextStepAndEveryAttemptIsRecorded() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID ringRule = UUID.randomUUID();
            UUID forwardRule = UUID.randomUUID();
            publishRules(bob.id(), List.of(
                    rule(forwardRule, 1, none(), forwardTo(carol.id())),
                    rule(ringRule, 0, none(), ring(25))));
            awaitRules(bob.id(), 2);

            UUID callId = call(alice, bob);
            bob.device().awaitCall("call.offer", callId, "ringing");
            expireTimer(callId);
            carol.device().awaitCall("call.offer", callId, "ringing");
            bob.device().awaitCall("call.update", callId, "ringing");
            action(carol, callId, "answer").statusCode(200).body("state", equalTo("active"));
            action(bob, callId, "answer").statusCode(409);
            action(alice, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ringing", "call.answered", "call.ended");

            List<Row> attempts = rows(pool, "SELECT attempt_no, rule_id, target_type, outcome, reason, "
                    + "target ->> 'accountId' AS account FROM call_routing WHERE call_id = $1 ORDER BY attempt_no",
                    callId);
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).getUUID("rule_id")).isEqualTo(ringRule);
            assertThat(attempts.get(0).getString("outcome")).isEqualTo("no-answer");
            assertThat(attempts.get(1).getUUID("rule_id")).isEqualTo(forwardRule);
            assertThat(attempts.get(1).getString("target_type")).isEqualTo("user");
            assertThat(attempts.get(1).getString("account")).isEqualTo(carol.id().toString());
            assertThat(attempts.get(1).getString("outcome")).isEqualTo("answered");
        }
    }

    @Test
    void aForwardToAnOutsideNumberRingsATrunkAndTheForwardingUserPaysForIt() throws Throwable {
        // +4930 → trunk 30a1 (connected here); +49 → 49a1 (never connected), see Trunks.
        UUID berlin = Trunks.BERLIN_PRIMARY;
        try (User alice = user(channel, 1); User bob = user(channel, 1); User dave = user(channel, 0);
                DeviceClient trunk = Trunks.connect(channel, berlin)) {
            UUID forwardRule = UUID.randomUUID();
            publishRules(bob.id(), List.of(rule(UUID.randomUUID(), 0, none(), ring(25)),
                    rule(forwardRule, 1, none(), forwardToNumber("+4930555123"))));
            awaitRules(bob.id(), 2);

            // Bob does not answer; his rule forwards the call to his mobile through the Berlin trunk.
            UUID callId = call(alice, bob);
            bob.device().awaitCall("call.offer", callId, "ringing");
            expireTimer(callId);
            var offer = trunk.awaitCall("call.offer", callId, "ringing");
            assertThat(offer.path("call").path("calleeKind").asText()).isEqualTo("number");
            assertThat(offer.path("call").path("calleeNumber").asText()).isEqualTo("+4930555123");
            assertThat(offer.path("call").path("calleeAccountId").asText()).isEqualTo(bob.id().toString());
            assertThat(offer.path("call").path("payingAccountId").asText()).isEqualTo(bob.id().toString());
            trunk.send(Map.of("type", "answer", "callId", callId.toString()));
            alice.device().awaitCall("call.update", callId, "active");
            action(alice, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ringing", "call.answered", "call.ended");
            List<Row> attempts = rows(pool, "SELECT rule_id, target_type, outcome, target ->> 'trunkDeviceId' AS trunk "
                    + "FROM call_routing WHERE call_id = $1 ORDER BY attempt_no", callId);
            assertThat(attempts).extracting(r -> r.getString("outcome")).containsExactly("no-answer", "answered");
            assertThat(attempts.get(1).getUUID("rule_id")).isEqualTo(forwardRule);
            assertThat(attempts.get(1).getString("target_type")).isEqualTo("number");
            assertThat(attempts.get(1).getString("trunk")).isEqualTo(berlin.toString());
            Row stored = rows(pool, "SELECT callee_kind, callee_number, trunk_device_id FROM call_sessions "
                    + "WHERE id = $1", callId).get(0);
            assertThat(stored.getString("callee_kind")).isEqualTo("number");
            assertThat(stored.getString("callee_number")).isEqualTo("+4930555123");
            assertThat(stored.getUUID("trunk_device_id")).isEqualTo(berlin);
            // The call.ended billing rates: paid by Bob (who forwarded it out), at the number's rate.
            assertThat(rows(pool, "SELECT payload -> 'call' ->> 'payingAccountId' AS payer FROM outbox_events "
                    + "WHERE event_key = $1 AND event_type = 'call.ended'", callId.toString()).get(0)
                    .getString("payer")).isEqualTo(bob.id().toString());

            // With no trunk up for the number (+49 → 49a1), an offline callee's forward ends the call failed at once.
            publishRules(dave.id(), List.of(rule(UUID.randomUUID(), 0, none(), forwardToNumber("+4940123456"))));
            awaitRules(dave.id(), 1);
            String failed = originate(alice, dave.id(), null).statusCode(201).body("state", equalTo("ended"))
                    .body("endCause", equalTo("failed")).extract().path("callId");
            assertThat(rows(pool, "SELECT reason FROM call_routing WHERE call_id = $1", UUID.fromString(failed))
                    .get(0).getString("reason")).isEqualTo("no trunk connected for +49");
        }
    }

    @Test
    void anOfflineCalleeSkipsToTheNextStepAtOnce() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 0); User carol = user(channel, 1)) {
            publishRules(bob.id(), List.of(rule(UUID.randomUUID(), 0, none(), ring(null)),
                    rule(UUID.randomUUID(), 1, none(), forwardTo(carol.id()))));
            awaitRules(bob.id(), 2);
            UUID callId = call(alice, bob);
            carol.device().awaitCall("call.offer", callId, "ringing");
            List<Row> attempts = rows(pool, "SELECT outcome, reason FROM call_routing WHERE call_id = $1 "
                    + "ORDER BY attempt_no", callId);
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).getString("outcome")).isEqualTo("no-answer");
            assertThat(attempts.get(0).getString("reason")).contains("no connected device");
            assertThat(attempts.get(1).getValue("outcome")).isNull();
            // Plan exhausted on a second timeout: the call ends no-answer.
            expireTimer(callId);
            await().atMost(Duration.ofSeconds(10)).until(() -> count(pool,
                    "SELECT count(*) FROM call_sessions WHERE id = $1 AND end_cause = 'no-answer'", callId) == 1);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ended");
        }
    }

    @Test
    void aRejectRuleOnTheCalleesPresenceRefusesWhileItHolds() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            List<IdentityRules.RoutingRule> rules = List.of(
                    // Internal calls carry no caller number, so a caller-number condition never holds for them.
                    rule(UUID.randomUUID(), 0, prefixes("+49"), reject("busy")),
                    rule(UUID.randomUUID(), 1, presence("dnd"), reject("do-not-disturb")));
            // A condition this reader does not know never matches.
            Map<String, Object> unknown = new LinkedHashMap<>(mapper.convertValue(
                    rule(UUID.randomUUID(), 2, none(), reject("busy")), MAP));
            unknown.put("conditions", Map.of("moonPhase", "full"));
            List<Object> published = new ArrayList<>(rules);
            published.add(unknown);
            publishRules(bob.id(), published);
            awaitRules(bob.id(), 3);

            publishPresence(bob.id(), "dnd", 10);
            await().atMost(Duration.ofSeconds(20)).until(() -> "dnd".equals(facts(alice.id(), bob.id()).calleePresence()));
            String refused = originate(alice, bob.id(), null).statusCode(201).body("endCause", equalTo("rejected"))
                    .extract().path("callId");
            assertEvents(pool, UUID.fromString(refused), "call.created", "call.ended");
            assertThat(rows(pool, "SELECT reason, target ->> 'cause' AS cause FROM call_routing WHERE call_id = $1",
                    UUID.fromString(refused)).get(0).getString("cause")).isEqualTo("do-not-disturb");

            // An older presence event (lower version) does not overwrite the newer state.
            publishPresence(bob.id(), "available", 11);
            publishPresence(bob.id(), "dnd", 9);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "available".equals(facts(alice.id(), bob.id()).calleePresence()));
            // Same key, same partition: version 9 is consumed right after 11 and must leave "available" in place.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> "available".equals(facts(alice.id(), bob.id()).calleePresence()));
            UUID rings = call(alice, bob);
            bob.device().awaitCall("call.offer", rings, "ringing");
            assertThat(facts(alice.id(), bob.id()).calleePresence()).isEqualTo("available");
            action(alice, rings, "hangup").statusCode(200);
        }
    }

    @Test
    void timeWindowsAreReadInTheCalleesTimeZoneFromTheProfile() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            // A window on today's date in Pacific/Kiritimati (UTC+14), from this hour for two hours: it holds there
            // and never in Pacific/Pago_Pago (UTC-11), where it is still yesterday (25 hours behind).
            ZoneId kiritimati = ZoneId.of("Pacific/Kiritimati");
            ZonedDateTime local = ZonedDateTime.now(kiritimati);
            String day = local.getDayOfWeek().name().substring(0, 3);
            String start = local.minusMinutes(local.getMinute()).toLocalTime().withSecond(0).withNano(0).toString();
            String end = local.plusHours(2).minusMinutes(local.getMinute()).toLocalTime().withSecond(0).withNano(0)
                    .toString();
            publishRules(bob.id(), List.of(rule(UUID.randomUUID(), 0,
                    windows(new IdentityRules.TimeWindow(List.of(day), start, end)), reject("unavailable"))));
            awaitRules(bob.id(), 1);

            publishProfile(bob.id(), "Pacific/Pago_Pago");
            await().atMost(Duration.ofSeconds(20)).until(() -> "Pacific/Pago_Pago".equals(
                    facts(alice.id(), bob.id()).calleeZone().getId()));
            UUID rings = call(alice, bob);
            bob.device().awaitCall("call.offer", rings, "ringing");
            action(alice, rings, "hangup").statusCode(200);

            publishProfile(bob.id(), kiritimati.getId());
            await().atMost(Duration.ofSeconds(20)).until(() -> kiritimati.equals(facts(alice.id(), bob.id())
                    .calleeZone()));
            originate(alice, bob.id(), null).statusCode(201).body("endCause", equalTo("rejected"));
        }
    }

    @Test
    void suspendedCalleesAndExhaustedBalancesAreRefused() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            publish("identity.events.test", bob.id(), "account.suspended", Map.of("accountId", bob.id().toString()));
            await().atMost(Duration.ofSeconds(20)).until(() -> facts(alice.id(), bob.id()).calleeSuspended());
            String failed = originate(alice, bob.id(), null).statusCode(201).body("endCause", equalTo("failed"))
                    .extract().path("callId");
            assertEvents(pool, UUID.fromString(failed), "call.created", "call.ended");
            publish("identity.events.test", bob.id(), "account.reactivated", Map.of("accountId", bob.id().toString()));
            await().atMost(Duration.ofSeconds(20)).until(() -> !facts(alice.id(), bob.id()).calleeSuspended());
            // The suspension closed Bob's device channel (1008); reactivated, his phone connects again (a newer
            // connection of a device replaces an older one either way).
            DeviceClient bobsPhone = DeviceClient.connect(channel, bob.id(), bob.device().deviceId, bob.token());

            UUID active = call(alice, bob);
            bobsPhone.awaitCall("call.offer", active, "ringing");
            action(bob, active, "answer").statusCode(200);
            // A second call of hers still ringing: billing ends it too (its open routing attempt ends "failed").
            UUID ringing = call(alice, carol);
            publish("billing.events.test", alice.id(), "balance.exhausted", Map.of("accountId", alice.id().toString(),
                    "balance", "0.00", "currency", "EUR"));
            await().atMost(Duration.ofSeconds(20)).until(() -> count(pool,
                    "SELECT count(*) FROM call_sessions WHERE id = ANY($1) AND end_cause = 'insufficient-funds'",
                    (Object) new UUID[] {active, ringing}) == 2);
            bobsPhone.awaitCall("call.update", active, "ended");
            carol.device().awaitCall("call.update", ringing, "ended");
            assertEvents(pool, active, "call.created", "call.ringing", "call.answered", "call.ended");
            assertEvents(pool, ringing, "call.created", "call.ringing", "call.ended");
            assertThat(count(pool, "SELECT count(*) FROM call_routing WHERE call_id = $1 AND outcome = 'failed' "
                    + "AND reason LIKE 'ended by billing%'", ringing)).isEqualTo(1);
            String refused = originate(alice, bob.id(), null).statusCode(201)
                    .body("endCause", equalTo("insufficient-funds")).extract().path("callId");
            assertEvents(pool, UUID.fromString(refused), "call.created", "call.ended");

            publish("billing.events.test", alice.id(), "balance.topped-up", Map.of("accountId", alice.id().toString(),
                    "amount", "10.00", "balance", "10.00", "currency", "EUR"));
            await().atMost(Duration.ofSeconds(20)).until(() -> !facts(alice.id(), bob.id()).callerOutOfFunds());
            UUID again = call(alice, bob);
            action(alice, again, "hangup").statusCode(200).body("endCause", equalTo("cancelled"));
            bobsPhone.close();
        }
    }

    @Test
    void twoPollersRacingForADueTimerActOnce() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            expireTimer(callId);
            CallTestSupport.raceTwice(timers::fireDue);
            await().atMost(Duration.ofSeconds(10)).until(() -> count(pool,
                    "SELECT count(*) FROM call_sessions WHERE id = $1 AND state = 'ended'", callId) == 1);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.ended");
        }
    }

    private void expireTimer(UUID callId) throws Throwable {
        assertThat(count(pool, "WITH u AS (UPDATE call_sessions SET timer_at = now() - interval '1 second' "
                + "WHERE id = $1 AND timer_at IS NOT NULL RETURNING 1) SELECT count(*) FROM u", callId)).isEqualTo(1);
    }

    private AccountCopies.Facts facts(UUID caller, UUID callee) throws Exception {
        return CallTestSupport.await(() -> copies.facts(caller, callee));
    }

    private void awaitRules(UUID account, int size) {
        await().atMost(Duration.ofSeconds(20)).until(() -> facts(UUID.randomUUID(), account).calleeRules().size()
                == size);
    }

    /** Rules as identity's GET returns them (IdentityRules mirrors identity's records). */
    private void publishRules(UUID account, List<?> rules) throws Exception {
        publish("identity.events.test", account, "routing-rules.changed",
                Map.of("accountId", account.toString(), "rules", rules));
    }

    private void publishProfile(UUID account, String zone) throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountId", account.toString());
        data.put("displayName", "Bob");
        data.put("phoneE164", null);
        data.put("timeZone", zone);
        publish("identity.events.test", account, "profile.updated", data);
    }

    private void publishPresence(UUID account, String state, long version) throws Exception {
        publish("presence.events.test", account, "presence.changed", Map.of("accountId", account.toString(),
                "state", state, "statusText", "", "version", version, "lastSeenAt", OffsetDateTime.now().toString()));
    }

    private void publish(String topic, UUID key, String type, Map<String, Object> data) throws Exception {
        Map<String, Object> envelope = Map.of("specversion", "1.0", "id", UUID.randomUUID().toString(),
                "source", "/ucp/test", "type", type, "time", OffsetDateTime.now().toString(),
                "sequence", SEQUENCE.incrementAndGet(), "datacontenttype", "application/json", "data", data);
        kafka.produceStrings().fromRecords(new ProducerRecord<>(topic, key.toString(),
                mapper.writeValueAsString(envelope))).awaitCompletion();
    }
}
