package io.ucp.billing.platform;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.billing.support.contract.InvalidRequests;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Access tokens: which are accepted, which are refused, and how fast a revocation takes effect. */
@QuarkusTest
class SecurityTest {

    private static final String IDENTITY_TOPIC = "identity.events.test";
    private static KafkaCompanion kafka;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void aValidTokenIdentifiesTheCaller() {
        UUID account = UUID.randomUUID();
        given().auth().oauth2(TestTokens.user(account)).when().get("/v1/test-probe/me")
                .then().statusCode(200).body(equalTo(account.toString()));
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void noTokenIsA401Problem() {
        given().when().get("/v1/test-probe/me")
                .then().statusCode(401).contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
    }

    @Test
    void forgedAndStaleTokensAreRefused() throws Exception {
        UUID account = UUID.randomUUID();
        Instant now = Instant.now();
        String[] refused = {
            TestTokens.unsigned(account),
            TestTokens.hs256WithPublicKey(account),
            TestTokens.token(account, "s", Set.of("user"), now, "test-keys/other-private.pem", TestTokens.ISSUER,
                    TestTokens.AUDIENCE),
            TestTokens.token(account, "s", Set.of("user"), now, "test-keys/jwt-private.pem", "https://evil.example",
                    TestTokens.AUDIENCE),
            TestTokens.token(account, "s", Set.of("user"), now, "test-keys/jwt-private.pem", TestTokens.ISSUER,
                    "someone-else"),
            TestTokens.token(account, "s", Set.of("user"), now.minus(2, ChronoUnit.HOURS), "test-keys/jwt-private.pem",
                    TestTokens.ISSUER, TestTokens.AUDIENCE),
            "not.a.token",
        };
        for (String token : refused) {
            given().auth().oauth2(token).when().get("/v1/test-probe/me")
                    .then().statusCode(401).contentType("application/problem+json");
        }
    }

    @Test
    void aUserIsForbiddenFromAdminEndpoints() {
        given().auth().oauth2(TestTokens.user(UUID.randomUUID())).when().get("/v1/test-probe/admin")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.admin(UUID.randomUUID())).when().get("/v1/test-probe/admin")
                .then().statusCode(200);
    }

    @Test
    void aRevokedSessionIsRefusedWithinFiveSeconds() {
        UUID account = UUID.randomUUID();
        String session = UUID.randomUUID().toString();
        String token = TestTokens.withSession(account, session, Instant.now());
        String otherSession = TestTokens.withSession(account, UUID.randomUUID().toString(), Instant.now());
        given().auth().oauth2(token).when().get("/v1/test-probe/me").then().statusCode(200);

        publish(account, "session.revoked", "{\"accountId\":\"" + account + "\",\"sessionId\":\"" + session + "\"}");

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                given().auth().oauth2(token).when().get("/v1/test-probe/me").then().statusCode(401));
        given().auth().oauth2(otherSession).when().get("/v1/test-probe/me").then().statusCode(200);
    }

    @Test
    void aSuspendedAccountsTokensAreRefusedUntilReactivated() {
        UUID account = UUID.randomUUID();
        String before = TestTokens.withSession(account, UUID.randomUUID().toString(),
                Instant.now().minusSeconds(5));
        publish(account, "account.suspended", "{\"accountId\":\"" + account + "\"}");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                given().auth().oauth2(before).when().get("/v1/test-probe/me").then().statusCode(401));

        publish(account, "account.reactivated", "{\"accountId\":\"" + account + "\"}");
        String after = TestTokens.withSession(account, UUID.randomUUID().toString(), Instant.now().plusSeconds(1));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                given().auth().oauth2(after).when().get("/v1/test-probe/me").then().statusCode(200));
    }

    private static void publish(UUID account, String type, String data) {
        String event = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/ucp/identity\","
                + "\"type\":\"" + type + "\",\"time\":\"" + Instant.now() + "\",\"data\":" + data + "}";
        kafka.produceStrings().fromRecords(new ProducerRecord<>(IDENTITY_TOPIC, account.toString(), event))
                .awaitCompletion();
    }
}
