package io.ucp.billing.bench;

import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.ucp.billing.cdr.CallSnapshot;
import io.ucp.billing.cdr.CdrDraft;
import io.ucp.billing.cdr.CdrWriter;
import io.ucp.billing.cdr.RatedCdr;
import io.ucp.billing.support.Fixtures;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * CDRs rated and stored per second from call.ended events (Kafka -> batch consumer -> rating -> one transaction
 * per poll with claims, CDRs, balances and cdr.rated outbox rows; the relay is off, see BenchmarkProfile), next to the raw rate of the same multi-row INSERT of
 * the same rows with no consumer, rating, balance or outbox work. Bounded (calls <= 200k), loopback only.
 * Run: mvn -pl billing verify -Dtest=CdrThroughputBenchmark -Dbench=true [-Dbench.calls=50000]
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(BenchmarkProfile.class)
@EnabledIfSystemProperty(named = "bench", matches = "true")
class CdrThroughputBenchmark {

    private static final int ACCOUNTS = 1000;
    private static final int RAW_BATCH = 2000;

    @Inject
    Pool pool;

    @Test
    void cdrsPerSecondFromCallEndedVersusRawBatchedInsert() throws Throwable {
        int calls = Math.min(200_000, Integer.getInteger("bench.calls", 50_000));
        String plan = Fixtures.uniqueCode("bench");
        Fixtures.createPlan(plan, 30, 6, "0.01", "0", 0, Map.of("49", "0.012", "4917", "0.09", "1", "0.005"));
        UUID[] accounts = new UUID[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = UUID.randomUUID();
        }
        // Postpaid with a large credit limit: every call is charged, none is refused mid-run.
        run(() -> pool.preparedQuery("INSERT INTO account_billing (account_id, plan_code, mode, currency, credit_limit) "
                + "SELECT unnest($1::uuid[]), $2, 'postpaid', 'EUR', 1000000").execute(Tuple.of(accounts, plan)));

        String[] destinations = { "+4930123456", "+4917012345", "+15551234567" };
        Instant base = Instant.now().minus(Duration.ofDays(1));
        List<ProducerRecord<String, String>> records = new ArrayList<>(calls);
        List<String> snapshots = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            UUID callId = UUID.randomUUID();
            String data = Fixtures.callEnded(callId, "outbound", accounts[i % ACCOUNTS], destinations[i % 3], null,
                    "number", base.plusMillis(i), i % 97);
            snapshots.add(data);
            records.add(new ProducerRecord<>(Fixtures.CALL_TOPIC, callId.toString(),
                    Fixtures.envelope(UUID.randomUUID(), "call.ended", "/ucp/signaling", callId.toString(), data)));
        }

        long cpuBefore = processCpuNanos();
        long t0 = System.nanoTime();
        produce(records);
        long produced = System.nanoTime();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> count(accounts) >= calls);
        long t1 = System.nanoTime();
        long cpuPipeline = processCpuNanos() - cpuBefore;
        double pipelineRate = calls / ((t1 - t0) / 1e9);

        // The same rows (new call ids), as one multi-row INSERT per batch of 2000, one transaction each.
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<RatedCdr> rows = new ArrayList<>(calls);
        Instant now = Instant.now();
        for (String data : snapshots) {
            CdrDraft d = CdrDraft.from(CallSnapshot.of(mapper.readTree(
                    data.replaceFirst("\"callId\":\"[^\"]+\"", "\"callId\":\"" + UUID.randomUUID() + "\"")).path("call")));
            rows.add(new RatedCdr(d, new BigDecimal("0.0100"), "EUR", plan, 1, "49", new BigDecimal("0.012"), 0, now));
        }
        long r0 = System.nanoTime();
        for (int from = 0; from < rows.size(); from += RAW_BATCH) {
            List<RatedCdr> batch = rows.subList(from, Math.min(rows.size(), from + RAW_BATCH));
            run(() -> pool.withTransaction(tx -> tx.preparedQuery(
                    CdrWriter.INSERT_SQL).execute(CdrWriter.tuple(batch))));
        }
        long r1 = System.nanoTime();
        double rawRate = calls / ((r1 - r0) / 1e9);

        System.out.printf("%n=== billing CDR benchmark (%d calls, %d accounts, 2 cores shared with Kafka and PostgreSQL) ===%n",
                calls, ACCOUNTS);
        System.out.printf("call.ended -> rated + stored CDRs : %,10.0f CDR/s  (%.2f s total, of which producing %.2f s)%n",
                pipelineRate, (t1 - t0) / 1e9, (produced - t0) / 1e9);
        System.out.printf("raw batched INSERT of the same rows: %,10.0f rows/s (%.2f s, batches of %d)%n", rawRate,
                (r1 - r0) / 1e9, RAW_BATCH);
        System.out.printf("ratio pipeline / raw               : %10.2f%n", pipelineRate / rawRate);
        System.out.printf("test JVM CPU during pipeline (service + Kafka producer in one JVM): %.2f s%n%n",
                cpuPipeline / 1e9);
    }

    /** A plain batching producer: the generator must not be the bottleneck it measures. */
    private static void produce(List<ProducerRecord<String, String>> records) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        props.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put("linger.ms", "10");
        props.put("batch.size", "262144");
        props.put("compression.type", "none");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
            for (ProducerRecord<String, String> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    private long count(UUID[] accounts) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> pool.preparedQuery(
                    "SELECT count(*) FROM cdr_records WHERE account_id = ANY($1)").execute(Tuple.of((Object) accounts))
                    .map(rows -> rows.iterator().next().getLong(0)));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(java.util.function.Supplier<io.smallrye.mutiny.Uni<?>> work) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> work.get().replaceWithVoid());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
