package io.ucp.billing.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.billing.platform.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Test helpers: plans and accounts through the API, and the events other services would publish. */
public final class Fixtures {

    public static final String CALL_TOPIC = "call.events.test";
    public static final String IDENTITY_TOPIC = "identity.events.test";
    public static final String BILLING_TOPIC = "billing.events.test";
    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis());
    public static final String ADMIN = TestTokens.admin(UUID.randomUUID());

    private Fixtures() {
    }

    public static String uniqueCode(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A plan (version 1, in force since 2020) with the given increments and one destination rate per entry. */
    public static void createPlan(String code, int initial, int subsequent, String connectFee, String minimum,
            int freeMinutes, Map<String, String> rates) {
        StringBuilder json = new StringBuilder("{\"code\":\"" + code + "\",\"name\":\"Test " + code + "\","
                + "\"currency\":\"EUR\",\"effectiveFrom\":\"2020-01-01T00:00:00Z\",\"initialIncrementSeconds\":"
                + initial + ",\"subsequentIncrementSeconds\":" + subsequent + ",\"connectFee\":" + connectFee
                + ",\"minimumCharge\":" + minimum + ",\"includedFreeMinutes\":" + freeMinutes
                + ",\"destinationRates\":[");
        String sep = "";
        for (var e : rates.entrySet()) {
            json.append(sep).append("{\"prefix\":\"").append(e.getKey()).append("\",\"ratePerMinute\":")
                    .append(e.getValue()).append('}');
            sep = ",";
        }
        json.append("]}");
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(json.toString())
                .when().post("/v1/plans").then().statusCode(201);
    }

    /** Publishes account.created as identity would, and waits for billing to open the account. */
    public static void openAccount(KafkaCompanion kafka, UUID accountId) {
        publish(kafka, IDENTITY_TOPIC, accountId.toString(), "account.created", "/ucp/identity",
                "{\"accountId\":\"" + accountId + "\",\"roles\":[\"user\"],\"status\":\"active\",\"createdAt\":\""
                        + Instant.now() + "\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(ADMIN)
                .get("/v1/accounts/" + accountId + "/billing").statusCode() == 200);
    }

    /** Opens an account, assigns the plan and tops it up. */
    public static void fundedAccount(KafkaCompanion kafka, UUID accountId, String plan, String topUp, String extra) {
        openAccount(kafka, accountId);
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"planCode\":\"" + plan + "\"" + (extra == null ? "" : "," + extra) + "}")
                .when().patch("/v1/accounts/" + accountId + "/billing").then().statusCode(200);
        if (topUp != null) {
            given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{\"amount\":" + topUp + "}")
                    .when().post("/v1/accounts/" + accountId + "/top-ups").then().statusCode(201);
        }
    }

    /** A CloudEvent as signaling's outbox relay publishes it; returns its id. */
    public static UUID publish(KafkaCompanion kafka, String topic, String key, String type, String source,
            String dataJson) {
        UUID id = UUID.randomUUID();
        publishWithId(kafka, topic, key, id, type, source, dataJson);
        return id;
    }

    public static void publishWithId(KafkaCompanion kafka, String topic, String key, UUID id, String type,
            String source, String dataJson) {
        kafka.produceStrings().fromRecords(new ProducerRecord<>(topic, key, envelope(id, type, source, key, dataJson)))
                .awaitCompletion(Duration.ofSeconds(10));
    }

    public static String envelope(UUID id, String type, String source, String key, String dataJson) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"type\":\"" + type
                + "\",\"subject\":\"" + key + "\",\"time\":\"" + Instant.now() + "\",\"sequence\":"
                + SEQUENCE.incrementAndGet() + ",\"datacontenttype\":\"application/json\",\"data\":" + dataJson + "}";
    }

    /** call.ended data for an answered (or not, when billable is 0) call; {@code direction} decides the payer. */
    public static String callEnded(UUID callId, String direction, UUID caller, String calleeNumber, UUID callee,
            String calleeKind, Instant created, int billableSeconds) {
        Instant answered = billableSeconds > 0 ? created.plusSeconds(5) : null;
        Instant ended = (answered == null ? created.plusSeconds(20) : answered.plusSeconds(billableSeconds));
        return "{\"call\":{\"callId\":\"" + callId + "\",\"direction\":\"" + direction + "\",\"state\":\"ended\","
                + "\"endCause\":\"" + (answered == null ? "no-answer" : "normal") + "\","
                + "\"callerAccountId\":" + quote(caller) + ",\"callerDeviceId\":null,\"callerNumber\":\"+4930111\","
                + "\"calleeAccountId\":" + quote(callee) + ",\"calleeNumber\":" + quote(calleeNumber)
                + ",\"calleeKind\":\"" + calleeKind + "\",\"payingAccountId\":null,\"queueId\":null,"
                + "\"createdAt\":\"" + created + "\",\"ringingAt\":\"" + created.plusSeconds(1) + "\","
                + "\"answeredAt\":" + quote(answered) + ",\"endedAt\":\"" + ended + "\","
                + "\"durationSeconds\":" + (ended.getEpochSecond() - created.getEpochSecond())
                + ",\"billableSeconds\":" + billableSeconds + ",\"legs\":[],\"transfer\":null,"
                + "\"recordings\":[{\"objectKey\":\"rec/" + callId + ".ogg\",\"contentType\":\"audio/ogg\","
                + "\"sizeBytes\":1234,\"durationSeconds\":" + billableSeconds + "}],\"version\":7}}";
    }

    private static String quote(Object value) {
        return value == null ? "null" : "\"" + value + "\"";
    }
}
