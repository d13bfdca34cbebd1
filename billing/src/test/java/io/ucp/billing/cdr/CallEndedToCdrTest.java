package io.ucp.billing.cdr;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.billing.platform.TestTokens;
import io.ucp.billing.platform.events.IncomingEvent;
import io.ucp.billing.support.Fixtures;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** call.ended -> exactly one CDR and one charge per call; balances, their events, the ledger and re-rating. */
@QuarkusTest
class CallEndedToCdrTest {

    private static final String ADMIN = Fixtures.ADMIN;
    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> billingEvents;

    @Inject
    Pool pool;
    @Inject
    CdrIngest ingest;
    @Inject
    ObjectMapper mapper;
    @Inject
    KafkaClientService kafkaClients;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
        // From the topic's end (earlier runs' events are of no interest); a marker event, which consumers ignore
        // by type, proves the consumer is positioned before any test publishes.
        billingEvents = kafka.consumeStrings()
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.LATEST)
                .fromTopics(Fixtures.BILLING_TOPIC);
        String marker = "marker-" + UUID.randomUUID();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Fixtures.publish(kafka, Fixtures.BILLING_TOPIC, marker, "test.marker", "/ucp/billing-test", "{}");
            return billingEvents.getRecords().stream().anyMatch(r -> marker.equals(r.key()));
        });
    }

    @AfterAll
    static void close() {
        billingEvents.close();
        kafka.close();
    }

    @Test
    void theSameCallEndedTwiceGivesOneCdrAndOneCharge() throws Throwable {
        String plan = Fixtures.uniqueCode("once");
        Fixtures.createPlan(plan, 60, 60, "0", "0", 0, Map.of("49", "1.20"));
        UUID caller = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, caller, plan, "10.00", null);
        UUID callId = UUID.randomUUID();
        String data = Fixtures.callEnded(callId, "outbound", caller, "+4930123456", null, "number",
                Instant.now().minusSeconds(300), 61);
        UUID eventId = UUID.randomUUID();
        // The relay's retry (same event id) and a second, distinct call.ended for the same call.
        Fixtures.publishWithId(kafka, Fixtures.CALL_TOPIC, callId.toString(), eventId, "call.ended", "/ucp/signaling", data);
        Fixtures.publishWithId(kafka, Fixtures.CALL_TOPIC, callId.toString(), eventId, "call.ended", "/ucp/signaling", data);
        Fixtures.publish(kafka, Fixtures.CALL_TOPIC, callId.toString(), "call.ended", "/ucp/signaling", data);
        // A later call's CDR proves the consumer has gone past all three records.
        UUID later = UUID.randomUUID();
        Fixtures.publish(kafka, Fixtures.CALL_TOPIC, later.toString(), "call.ended", "/ucp/signaling",
                Fixtures.callEnded(later, "outbound", caller, "+4930999", null, "number", Instant.now().minusSeconds(60), 1));
        awaitCdr(later);

        assertThat(count("SELECT count(*) FROM cdr_records WHERE call_id = $1", callId)).isEqualTo(1);
        given().auth().oauth2(TestTokens.user(caller)).get("/v1/accounts/" + caller + "/billing")
                .then().statusCode(200).body("balance", org.hamcrest.Matchers.equalTo(6.4f)); // 10 - 2.40 - 1.20
        JsonPath cdr = given().auth().oauth2(TestTokens.user(caller)).get("/v1/cdrs?limit=10").then().statusCode(200)
                .extract().jsonPath();
        assertThat(cdr.getList("items.callId")).containsExactlyInAnyOrder(callId.toString(), later.toString());
        assertThat(cdr.getString("items.find { it.callId == '" + callId + "' }.cost")).isEqualTo("2.4");
        assertLedgerSumsToBalance(caller);
        // cdr.rated once per call.
        await().atMost(Duration.ofSeconds(20)).until(() -> billing(caller, "cdr.rated").size() == 2);
        IncomingEvent rated = billing(caller, "cdr.rated").stream()
                .filter(e -> e.data().path("callId").asText().equals(callId.toString())).findFirst().orElseThrow();
        assertThat(rated.data().path("cost").decimalValue()).isEqualByComparingTo("2.40");
        assertThat(rated.data().path("currency").asText()).isEqualTo("EUR");
        assertThat(rated.data().path("billableSeconds").asInt()).isEqualTo(61);
        assertThat(rated.data().path("accountId").asText()).isEqualTo(caller.toString());
        assertThat(rated.data().path("cdrId").asText()).isNotBlank();
    }

    @Test
    void aConsumerRewoundToOldOffsetsMidStreamChargesNothingTwice() throws Throwable {
        String plan = Fixtures.uniqueCode("rewind");
        Fixtures.createPlan(plan, 1, 1, "0", "0", 0, Map.of("1", "0.60"));
        UUID caller = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, caller, plan, "100.00", null);
        // Five calls on one partition, all billed.
        List<UUID> first = new ArrayList<>();
        Long firstOffset = null;
        for (int i = 0; i < 5; i++) {
            UUID callId = UUID.randomUUID();
            first.add(callId);
            RecordMetadata meta = publishToPartition0(callId, Fixtures.callEnded(callId, "outbound", caller,
                    "+15551234", null, "number", Instant.now().minusSeconds(600 - i), 10 * (i + 1)));
            firstOffset = firstOffset == null ? meta.offset() : firstOffset;
        }
        first.forEach(this::awaitCdr);
        BigDecimal balanceBefore = balance(caller);
        assertThat(balanceBefore).isEqualByComparingTo("98.50"); // 150 s at 0.01/s

        // As a restarted consumer resumes from an older committed offset: rewind the service's own consumer to the
        // first of those records, then publish more calls after them on the same partition.
        long rewindTo = firstOffset;
        kafkaClients.getConsumer("call-events").runOnPollingThread(consumer -> {
            consumer.seek(new TopicPartition(Fixtures.CALL_TOPIC, 0), rewindTo);
            return null;
        }).await().atMost(Duration.ofSeconds(10));
        UUID after = UUID.randomUUID();
        publishToPartition0(after, Fixtures.callEnded(after, "outbound", caller, "+15551234", null, "number",
                Instant.now().minusSeconds(30), 60));
        awaitCdr(after); // read after the five redelivered records

        for (UUID callId : first) {
            assertThat(count("SELECT count(*) FROM cdr_records WHERE call_id = $1", callId)).isEqualTo(1);
        }
        assertThat(balance(caller)).isEqualByComparingTo("97.90");
        assertThat(count("SELECT count(*) FROM cdr_records WHERE account_id = $1", caller)).isEqualTo(6);
        assertLedgerSumsToBalance(caller);
    }

    @Test
    void aBatchRedeliveredWholeOrConcurrentlyAppliesOnlyWhatIsNew() throws Throwable {
        String plan = Fixtures.uniqueCode("replay");
        Fixtures.createPlan(plan, 30, 6, "0.10", "0", 0, Map.of("44", "0.60"));
        UUID caller = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, caller, plan, "50.00", null);
        List<UUID> applied = List.of(UUID.randomUUID(), UUID.randomUUID());
        Map<TopicPartition, Long> replayFrom = new java.util.HashMap<>();
        for (UUID callId : applied) {
            String json = Fixtures.envelope(UUID.randomUUID(), "call.ended", "/ucp/signaling", callId.toString(),
                    Fixtures.callEnded(callId, "outbound", caller, "+442071234", null, "number",
                            Instant.now().minusSeconds(900), 31));
            RecordMetadata meta = kafka.produceStrings()
                    .fromRecords(new ProducerRecord<>(Fixtures.CALL_TOPIC, callId.toString(), json))
                    .awaitCompletion(Duration.ofSeconds(10)).getRecords().get(0);
            replayFrom.merge(new TopicPartition(Fixtures.CALL_TOPIC, meta.partition()), meta.offset(), Math::min);
        }
        applied.forEach(this::awaitCdr);
        assertThat(balance(caller)).isEqualByComparingTo("49.08"); // 2 x (0.10 + 36 s x 0.01)

        // Committed-offset replay: read the topic again from an offset older than the applied records, as a
        // consumer restarted from a stale committed offset does.
        Set<String> keys = Set.of(applied.get(0).toString(), applied.get(1).toString());
        ConsumerTask<String, String> replay = kafka.consumeStrings().withGroupId("replay-" + UUID.randomUUID())
                .fromOffsets(replayFrom);
        await().atMost(Duration.ofSeconds(20)).until(() -> replay.getRecords().stream()
                .filter(r -> keys.contains(r.key())).count() == 2);
        List<IncomingEvent> redelivered = new ArrayList<>(replay.getRecords().stream().filter(r -> keys.contains(r.key()))
                .map(r -> IncomingEvent.parse(mapper, r.value())).toList());
        replay.close();
        // The batch the crashed consumer had not committed: the two applied records plus two new calls.
        List<UUID> fresh = List.of(UUID.randomUUID(), UUID.randomUUID());
        List<IncomingEvent> batch = new ArrayList<>(redelivered);
        for (UUID callId : fresh) {
            batch.add(IncomingEvent.parse(mapper, Fixtures.envelope(UUID.randomUUID(), "call.ended", "/ucp/signaling",
                    callId.toString(), Fixtures.callEnded(callId, "outbound", caller, "+442071234", null, "number",
                            Instant.now().minusSeconds(120), 30))));
        }
        // Two consumers racing on the same batch (a rebalance during a restart).
        var threads = Executors.newFixedThreadPool(2);
        List<CdrIngest.Result> results = new ArrayList<>();
        try {
            Future<CdrIngest.Result> one = threads.submit(() -> ingestNow(batch));
            Future<CdrIngest.Result> two = threads.submit(() -> ingestNow(batch));
            results.add(one.get());
            results.add(two.get());
        } finally {
            threads.shutdownNow();
        }
        assertThat(results.stream().mapToInt(CdrIngest.Result::written).sum()).isEqualTo(2);
        CdrIngest.Result again = VertxContextSupport.subscribeAndAwait(() -> ingest.ingest(batch));
        assertThat(again.written()).isZero();
        assertThat(again.duplicates()).isEqualTo(4);

        assertThat(count("SELECT count(*) FROM cdr_records WHERE account_id = $1", caller)).isEqualTo(4);
        assertThat(balance(caller)).isEqualByComparingTo("48.28"); // - 2 x (0.10 + 30 s x 0.01)
        assertLedgerSumsToBalance(caller);
    }

    /**
     * A batch holding a record with a NUL (once the poison that made PostgreSQL refuse the whole batch, see issue #10
     * finding 5) is now written whole: the NUL is replaced, nothing is skipped, and the redelivery of the same
     * records through the channel charges nobody twice.
     */
    @Test
    void aBatchWithANulRecordIsWrittenWholeAndItsRedeliveryChargesEachCallOnce() throws Throwable {
        String plan = Fixtures.uniqueCode("poison");
        Fixtures.createPlan(plan, 1, 1, "0", "0", 0, Map.of("49", "0.60"));
        UUID caller = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, caller, plan, "10.00", null);
        UUID good1 = UUID.randomUUID();
        UUID withNul = UUID.randomUUID();
        UUID good2 = UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(1800);
        String nulData = Fixtures.callEnded(withNul, "outbound", caller, "+4930777", null, "number", t, 10)
                .replace("\"callerNumber\":\"+4930111\"", "\"callerNumber\":\"+49\\u0000\"");
        List<String> data = List.of(
                Fixtures.callEnded(good1, "outbound", caller, "+4930777", null, "number", t, 10), nulData,
                Fixtures.callEnded(good2, "outbound", caller, "+4930777", null, "number", t.plusSeconds(60), 20));
        List<UUID> ids = List.of(good1, withNul, good2);
        List<IncomingEvent> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(IncomingEvent.parse(mapper, Fixtures.envelope(UUID.randomUUID(), "call.ended", "/ucp/signaling",
                    ids.get(i).toString(), data.get(i))));
        }
        assertThat(ingestNow(batch).written()).isEqualTo(3);
        assertThat(balance(caller)).isEqualByComparingTo("9.60"); // 0.10 + 0.10 + 0.20

        for (int i = 0; i < 3; i++) {
            Fixtures.publish(kafka, Fixtures.CALL_TOPIC, ids.get(i).toString(), "call.ended", "/ucp/signaling", data.get(i));
        }
        UUID marker = UUID.randomUUID();
        publish(marker, Fixtures.callEnded(marker, "outbound", UUID.randomUUID(), "+4930", null, "number",
                Instant.now().minusSeconds(60), 5));
        awaitCdr(marker);
        assertThat(count("SELECT count(*) FROM cdr_records WHERE account_id = $1", caller)).isEqualTo(3);
        assertThat(balance(caller)).isEqualByComparingTo("9.60");
        assertLedgerSumsToBalance(caller);
    }

    @Test
    void prepaidChargesCrossTheThresholdThenExhaustOnceEach() throws Throwable {
        String plan = Fixtures.uniqueCode("prepaid");
        Fixtures.createPlan(plan, 1, 1, "0", "0", 0, Map.of("49", "6.00")); // 0.10 per second
        UUID caller = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, caller, plan, "5.00", "\"lowBalanceThreshold\":2.00");
        String token = TestTokens.user(caller);
        authorization(token, caller, "+4930123").body("allowed", org.hamcrest.Matchers.equalTo(true))
                .body("maxDurationSeconds", org.hamcrest.Matchers.equalTo(50))
                .body("ratePerMinute", org.hamcrest.Matchers.equalTo(6.0f))
                .body("currency", org.hamcrest.Matchers.equalTo("EUR"));

        Instant start = Instant.now().minus(1, ChronoUnit.HOURS);
        call(caller, start, 20);                      // 3.00: ok
        call(caller, start.plusSeconds(60), 10);      // 2.00: low
        call(caller, start.plusSeconds(120), 10);     // 1.00: still low, no second event
        assertThat(balance(caller)).isEqualByComparingTo("1.00");
        authorization(token, caller, "+4930123").body("allowed", org.hamcrest.Matchers.equalTo(true))
                .body("maxDurationSeconds", org.hamcrest.Matchers.equalTo(10));
        call(caller, start.plusSeconds(180), 15);     // -0.50: exhausted
        assertThat(balance(caller)).isEqualByComparingTo("-0.50");
        authorization(token, caller, "+4930123").body("allowed", org.hamcrest.Matchers.equalTo(false))
                .body("reason", org.hamcrest.Matchers.equalTo("insufficient-funds"))
                .body("maxDurationSeconds", org.hamcrest.Matchers.equalTo(0));
        authorization(token, caller, "internal").body("allowed", org.hamcrest.Matchers.equalTo(true));
        call(caller, start.plusSeconds(240), 5);      // -1.00: already exhausted, no second event

        await().atMost(Duration.ofSeconds(20)).until(() -> billing(caller, "balance.exhausted").size() == 1
                && billing(caller, "cdr.rated").size() == 5);
        List<String> types = billing(caller, null).stream().map(IncomingEvent::type)
                .filter(t -> t.startsWith("balance.")).toList();
        assertThat(types).containsExactly("balance.topped-up", "balance.low", "balance.exhausted");
        IncomingEvent low = billing(caller, "balance.low").get(0);
        assertThat(low.data().path("balance").decimalValue()).isEqualByComparingTo("2.00");
        assertThat(low.data().path("threshold").decimalValue()).isEqualByComparingTo("2.00");
        IncomingEvent exhausted = billing(caller, "balance.exhausted").get(0);
        assertThat(exhausted.data().path("balance").decimalValue()).isEqualByComparingTo("-0.50");
        assertThat(exhausted.data().path("currency").asText()).isEqualTo("EUR");

        // A top-up restores it and is announced; authorization sees it at once (cache dropped on change).
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{\"amount\":10}")
                .post("/v1/accounts/" + caller + "/top-ups").then().statusCode(201)
                .body("balance", org.hamcrest.Matchers.equalTo(9.0f)).body("balanceState", org.hamcrest.Matchers.equalTo("ok"));
        authorization(token, caller, "+4930123").body("maxDurationSeconds", org.hamcrest.Matchers.equalTo(90));
        await().atMost(Duration.ofSeconds(20)).until(() -> billing(caller, "balance.topped-up").size() == 2);
        IncomingEvent toppedUp = billing(caller, "balance.topped-up").get(1);
        assertThat(toppedUp.data().path("amount").decimalValue()).isEqualByComparingTo("10");
        assertThat(toppedUp.data().path("balance").decimalValue()).isEqualByComparingTo("9.00");
        assertLedgerSumsToBalance(caller);
    }

    @Test
    void reRatingAfterAPlanCorrectionWritesAnAdjustmentNotASecondCharge() throws Throwable {
        String plan = Fixtures.uniqueCode("rerate");
        Fixtures.createPlan(plan, 60, 60, "0", "0", 0, Map.of("33", "1.00"));
        UUID caller = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, caller, plan, "20.00", null);
        UUID callId = UUID.randomUUID();
        Instant started = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Fixtures.publish(kafka, Fixtures.CALL_TOPIC, callId.toString(), "call.ended", "/ucp/signaling",
                Fixtures.callEnded(callId, "outbound", caller, "+33123456", null, "number", started, 90));
        awaitCdr(callId);
        assertThat(balance(caller)).isEqualByComparingTo("18.00");
        String cdrId = given().auth().oauth2(ADMIN).get("/v1/cdrs?accountId=" + caller).then().statusCode(200)
                .extract().path("items[0].id");

        // The rate was wrong since before the call: a correction version from then, at 0.25.
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"name\":\"corrected\",\"currency\":\"EUR\",\"effectiveFrom\":\"" + started.minusSeconds(60)
                        + "\",\"destinationRates\":[{\"prefix\":\"33\",\"ratePerMinute\":0.25}]}")
                .post("/v1/plans/" + plan + "/versions").then().statusCode(201);
        given().auth().oauth2(TestTokens.user(caller)).post("/v1/cdrs/" + cdrId + "/rerate").then().statusCode(403);
        for (int i = 0; i < 2; i++) { // twice: the second finds nothing to change
            given().auth().oauth2(ADMIN).post("/v1/cdrs/" + cdrId + "/rerate").then().statusCode(200)
                    .body("cost", org.hamcrest.Matchers.equalTo(0.5f)).body("planVersion", org.hamcrest.Matchers.equalTo(2))
                    .body("ratingVersion", org.hamcrest.Matchers.equalTo(2));
        }
        assertThat(balance(caller)).isEqualByComparingTo("19.50");
        assertThat(count("SELECT count(*) FROM cdr_records WHERE call_id = $1", callId)).isEqualTo(1);
        List<Map<String, Object>> ledger = ledger(caller);
        assertThat(ledger).filteredOn(e -> callId.toString().equals(e.get("callId")))
                .extracting(e -> e.get("type") + " " + new BigDecimal(e.get("amount").toString()).stripTrailingZeros().toPlainString())
                .containsExactly("charge -2", "adjustment 1.5");
        assertLedgerSumsToBalance(caller);
    }

    @Test
    void payingAccountRules() throws Throwable {
        String plan = Fixtures.uniqueCode("payer");
        Fixtures.createPlan(plan, 1, 1, "0", "0", 0, Map.of("49", "0.60"));
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, alice, plan, "10.00", null);
        Fixtures.fundedAccount(kafka, bob, plan, "10.00", null);
        Instant t = Instant.now().minusSeconds(3600);
        UUID internal = UUID.randomUUID();
        UUID inbound = UUID.randomUUID();
        UUID forwarded = UUID.randomUUID();
        UUID unanswered = UUID.randomUUID();
        publish(internal, Fixtures.callEnded(internal, "internal", alice, null, bob, "user", t, 100));
        publish(inbound, Fixtures.callEnded(inbound, "inbound", null, "+4930555", bob, "user", t.plusSeconds(1), 100));
        publish(forwarded, Fixtures.callEnded(forwarded, "inbound", null, "+4917012345", bob, "number", t.plusSeconds(2), 100));
        publish(unanswered, Fixtures.callEnded(unanswered, "outbound", alice, "+4930555", null, "number", t.plusSeconds(3), 0));
        // Alice calls Bob, whose routing forwards to his mobile: signaling names Bob as payer; the number's rate.
        UUID internalForwarded = UUID.randomUUID();
        publish(internalForwarded, Fixtures.callEnded(internalForwarded, "internal", alice, "+4917012345", bob,
                "number", t.plusSeconds(4), 100).replace("\"payingAccountId\":null", "\"payingAccountId\":\"" + bob + "\""));
        List.of(internal, inbound, forwarded, unanswered, internalForwarded).forEach(this::awaitCdr);

        assertThat(cdrRow(internal)).containsEntry("account_id", alice.toString()).containsEntry("cost", "0")
                .containsEntry("rate_prefix", "internal");
        assertThat(cdrRow(inbound)).containsEntry("account_id", bob.toString()).containsEntry("cost", "0")
                .containsEntry("rate_prefix", "free-inbound");
        assertThat(cdrRow(forwarded)).containsEntry("account_id", bob.toString()).containsEntry("cost", "1")
                .containsEntry("rate_prefix", "49");
        assertThat(cdrRow(unanswered)).containsEntry("disposition", "no-answer").containsEntry("cost", "0")
                .containsEntry("billable_seconds", "0");
        assertThat(cdrRow(internalForwarded)).containsEntry("account_id", bob.toString()).containsEntry("cost", "1")
                .containsEntry("rate_prefix", "49");
        assertThat(balance(alice)).isEqualByComparingTo("10.00");
        assertThat(balance(bob)).isEqualByComparingTo("8.00");
    }

    @Test
    void unreadableAndInvalidEventsAreSkippedWithoutStoppingTheStream() throws Throwable {
        UUID caller = UUID.randomUUID();
        kafka.produceStrings().fromRecords(new ProducerRecord<>(Fixtures.CALL_TOPIC, "x", "not json"))
                .awaitCompletion(Duration.ofSeconds(10));
        UUID bad = UUID.randomUUID();
        publish(bad, Fixtures.callEnded(bad, "sideways", caller, "+4930", null, "number", Instant.now(), 5));
        UUID good = UUID.randomUUID();
        publish(good, Fixtures.callEnded(good, "outbound", caller, "+4930", null, "number", Instant.now().minusSeconds(60), 5));
        awaitCdr(good);
        assertThat(count("SELECT count(*) FROM cdr_records WHERE call_id = $1", bad)).isZero();
        // No billing account for this caller: the CDR is stored unrated, nothing is charged.
        assertThat(cdrRow(good)).containsEntry("cost", null).containsEntry("transfer_info", null);
    }

    /** Issue #10, finding 5: a NUL in a call event's text or JSON is stored safely, never refused by PostgreSQL. */
    @Test
    void nulInACallEventIsStoredSafely() throws Throwable {
        UUID caller = UUID.randomUUID();
        UUID callId = UUID.randomUUID();
        String data = Fixtures.callEnded(callId, "outbound", caller, "+4930123", null, "number",
                Instant.now().minusSeconds(60), 5)
                .replace("\"callerNumber\":\"+4930111\"", "\"callerNumber\":\"+4930\\u0000111\"")
                .replace("\"contentType\":\"audio/ogg\"", "\"contentType\":\"audio/\\u0000ogg\",\"k\\u0000\":1")
                .replace("\"transfer\":null", "\"transfer\":{\"state\":\"completed\\u0000\"}");
        publish(callId, data);
        awaitCdr(callId);
        assertThat(cdrRow(callId).get("transfer_info")).contains("completed\uFFFD");
        assertThat(count("SELECT count(*) FROM cdr_records WHERE call_id = $1 AND caller_number = '+4930\uFFFD111' "
                + "AND recordings::text LIKE '%audio/\uFFFDogg%'", callId)).isEqualTo(1);
    }

    // ---- helpers

    private CdrIngest.Result ingestNow(List<IncomingEvent> batch) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> ingest.ingest(batch));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void call(UUID caller, Instant start, int seconds) {
        UUID callId = UUID.randomUUID();
        publish(callId, Fixtures.callEnded(callId, "outbound", caller, "+4930123", null, "number", start, seconds));
        awaitCdr(callId);
    }

    private void publish(UUID callId, String data) {
        Fixtures.publish(kafka, Fixtures.CALL_TOPIC, callId.toString(), "call.ended", "/ucp/signaling", data);
    }

    private RecordMetadata publishToPartition0(UUID callId, String data) {
        String json = Fixtures.envelope(UUID.randomUUID(), "call.ended", "/ucp/signaling", callId.toString(), data);
        return kafka.produceStrings().fromRecords(new ProducerRecord<>(Fixtures.CALL_TOPIC, 0, callId.toString(), json))
                .awaitCompletion(Duration.ofSeconds(10)).getRecords().get(0);
    }

    private io.restassured.response.ValidatableResponse authorization(String token, UUID account, String destination) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"accountId\":\"" + account + "\",\"destination\":\"" + destination + "\"}")
                .post("/v1/authorizations").then().statusCode(200);
    }

    private void awaitCdr(UUID callId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM cdr_records WHERE call_id = $1", callId) > 0);
    }

    private List<IncomingEvent> billing(UUID account, String type) {
        return billingEvents.getRecords().stream().filter(r -> account.toString().equals(r.key()))
                .map(ConsumerRecord::value).map(v -> IncomingEvent.parse(mapper, v))
                .filter(e -> type == null || type.equals(e.type())).toList();
    }

    private BigDecimal balance(UUID account) {
        return new BigDecimal(given().auth().oauth2(ADMIN).get("/v1/accounts/" + account + "/billing")
                .then().statusCode(200).extract().jsonPath().getString("balance"));
    }

    private List<Map<String, Object>> ledger(UUID account) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = given().auth().oauth2(TestTokens.user(account))
                    .queryParam("limit", 2).queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/v1/accounts/" + account + "/ledger").then().statusCode(200).extract().jsonPath();
            all.addAll(page.getList("items"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return all;
    }

    /** The ledger is the balance's only explanation: its entries sum to it exactly. */
    private void assertLedgerSumsToBalance(UUID account) {
        BigDecimal sum = ledger(account).stream().map(e -> new BigDecimal(e.get("amount").toString()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).isEqualByComparingTo(balance(account));
    }

    private Map<String, String> cdrRow(UUID callId) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> pool.preparedQuery("SELECT account_id::text, trim_scale(cost)::text AS cost, "
                + "rate_prefix, disposition, billable_seconds::text, transfer_info::text FROM cdr_records WHERE call_id = $1")
                .execute(Tuple.of(callId)).map(rows -> {
                    Row r = rows.iterator().next();
                    Map<String, String> m = new java.util.HashMap<>();
                    for (int i = 0; i < r.size(); i++) {
                        m.put(r.getColumnName(i), r.getString(i));
                    }
                    return m;
                }));
    }

    private long count(String sql, Object arg) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> pool.preparedQuery(sql).execute(Tuple.of(arg))
                    .map(rows -> rows.iterator().next().getLong(0)));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
