package io.ucp.billing.account;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.time.Instant;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.billing.platform.TestTokens;
import io.ucp.billing.support.Fixtures;
import io.ucp.billing.support.contract.InvalidRequests;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Billing accounts from identity.events; settings, top-ups and adjustments by admins; the account ledger. */
@QuarkusTest
class AccountBillingTest {

    private static final String ADMIN = Fixtures.ADMIN;
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
    void accountCreatedOpensABillingAccountOnceWithTheDefaults() {
        UUID account = UUID.randomUUID();
        Fixtures.openAccount(kafka, account);
        given().auth().oauth2(TestTokens.user(account)).get("/v1/accounts/" + account + "/billing")
                .then().statusCode(200).body("mode", equalTo("prepaid")).body("currency", equalTo("EUR"))
                .body("balance", equalTo(0f)).body("balanceState", equalTo("exhausted"))
                .body("planCode", equalTo(null));
        String plan = Fixtures.uniqueCode("acct");
        Fixtures.createPlan(plan, 60, 60, "0", "0", 0, Map.of("49", "0.10"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"planCode\":\"" + plan + "\",\"mode\":\"postpaid\",\"creditLimit\":50,\"lowBalanceThreshold\":10}")
                .patch("/v1/accounts/" + account + "/billing").then().statusCode(200)
                .body("planCode", equalTo(plan)).body("mode", equalTo("postpaid")).body("available", equalTo(50f))
                .body("balanceState", equalTo("ok"));

        // A redelivered account.created changes nothing (the admin's settings survive).
        Fixtures.openAccount(kafka, account);
        UUID marker = UUID.randomUUID();
        Fixtures.openAccount(kafka, marker); // processed after the replay: same partition order is not needed, poll both
        given().auth().oauth2(ADMIN).get("/v1/accounts/" + account + "/billing")
                .then().statusCode(200).body("mode", equalTo("postpaid")).body("planCode", equalTo(plan));
    }

    @Test
    void topUpsAndAdjustmentsAreLedgerEntriesThatSumToTheBalance() {
        UUID account = UUID.randomUUID();
        Fixtures.openAccount(kafka, account);
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(ADMIN).header("Idempotency-Key", key).contentType(ContentType.JSON)
                    .body("{\"amount\":25.50,\"reference\":\"INV-1\"}").post("/v1/accounts/" + account + "/top-ups")
                    .then().statusCode(201).body("balance", equalTo(25.5f)).body("entry.type", equalTo("top-up"))
                    .body("balanceState", equalTo("ok"));
        }
        given().auth().oauth2(ADMIN).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"amount\":99}").post("/v1/accounts/" + account + "/top-ups").then().statusCode(422);
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"type\":\"adjustment\",\"amount\":-5.25,\"reason\":\"goodwill reversed\"}")
                .post("/v1/accounts/" + account + "/adjustments").then().statusCode(201).body("balance", equalTo(20.25f));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"type\":\"refund\",\"amount\":1.75,\"reason\":\"dropped call\"}")
                .post("/v1/accounts/" + account + "/adjustments").then().statusCode(201).body("balance", equalTo(22.0f));

        JsonPath ledger = given().auth().oauth2(TestTokens.user(account)).get("/v1/accounts/" + account + "/ledger")
                .then().statusCode(200).extract().jsonPath();
        assertThat(ledger.getList("items.type")).containsExactly("top-up", "adjustment", "refund");
        assertThat(ledger.getList("items.reference")).containsExactly("INV-1", null, null);
        BigDecimal sum = ledger.<Object>getList("items.amount").stream().map(a -> new BigDecimal(a.toString()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).isEqualByComparingTo(ledger.getString("balance")).isEqualByComparingTo("22.00");
    }

    @Inject
    MonthlyFees monthlyFees;

    @Test
    void theMonthlyFeeIsChargedOncePerMonthAsALedgerEntry() throws Throwable {
        String plan = Fixtures.uniqueCode("fee");
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"code\":\"" + plan + "\",\"name\":\"Fee\",\"currency\":\"EUR\","
                        + "\"effectiveFrom\":\"2020-01-01T00:00:00Z\",\"monthlyFee\":4.99}")
                .post("/v1/plans").then().statusCode(201);
        UUID account = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, account, plan, "10.00", null);
        Instant now = Instant.now();
        VertxContextSupport.subscribeAndAwait(() -> monthlyFees.chargeDue(now));
        VertxContextSupport.subscribeAndAwait(() -> monthlyFees.chargeDue(now.plusSeconds(1))); // same month: nothing
        given().auth().oauth2(ADMIN).get("/v1/accounts/" + account + "/billing").then().body("balance", equalTo(5.01f));
        VertxContextSupport.subscribeAndAwait(() -> monthlyFees.chargeDue(
                io.ucp.billing.rating.RatingEngine.nextMonthStart(now)));
        JsonPath ledger = given().auth().oauth2(TestTokens.user(account)).get("/v1/accounts/" + account + "/ledger")
                .then().statusCode(200).extract().jsonPath();
        assertThat(ledger.getList("items.type")).containsExactly("top-up", "monthly-fee", "monthly-fee");
        BigDecimal sum = ledger.<Object>getList("items.amount").stream().map(a -> new BigDecimal(a.toString()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).isEqualByComparingTo(ledger.getString("balance")).isEqualByComparingTo("0.02");
    }

    @Test
    @InvalidRequests("sends invalid amounts, types, modes and limits on purpose, to see each 400 name its field")
    void badInputsNameTheField() {
        UUID account = UUID.randomUUID();
        Fixtures.openAccount(kafka, account);
        String path = "/v1/accounts/" + account;
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{\"amount\":0}").post(path + "/top-ups")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("amount"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{\"amount\":1.001}").post(path + "/top-ups")
                .then().statusCode(400).body("errors[0].field", equalTo("amount"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{\"amount\":\"lots\"}").post(path + "/top-ups")
                .then().statusCode(400).body("errors[0].field", equalTo("amount"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"type\":\"refund\",\"amount\":-1,\"reason\":\"x\"}").post(path + "/adjustments")
                .then().statusCode(400).body("errors[0].field", equalTo("amount"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"type\":\"gift\",\"amount\":1,\"reason\":\"x\"}").post(path + "/adjustments")
                .then().statusCode(400).body("errors.field", hasItem(org.hamcrest.Matchers.containsString("type")));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{\"planCode\":\"no-such-plan\"}")
                .patch(path + "/billing").then().statusCode(400).body("errors[0].field", equalTo("planCode"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{\"mode\":\"free\"}")
                .patch(path + "/billing").then().statusCode(400);
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body("{\"amount\":5}")
                .post("/v1/accounts/" + UUID.randomUUID() + "/top-ups").then().statusCode(404);
        given().auth().oauth2(ADMIN).get(path + "/ledger?limit=5000").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        given().auth().oauth2(ADMIN).get(path + "/ledger?limit=abc").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void usersSeeOnlyTheirOwnAndOnlyAdminsMoveMoney() {
        UUID account = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Fixtures.openAccount(kafka, account);
        Fixtures.openAccount(kafka, other);
        String token = TestTokens.user(account);
        for (String path : List.of("/billing", "/ledger", "/usage")) {
            given().auth().oauth2(token).get("/v1/accounts/" + other + path).then().statusCode(404)
                    .contentType("application/problem+json");
            given().auth().oauth2(token).get("/v1/accounts/" + account + path).then().statusCode(200);
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"amount\":5}")
                .post("/v1/accounts/" + account + "/top-ups").then().statusCode(403);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"mode\":\"postpaid\"}")
                .patch("/v1/accounts/" + account + "/billing").then().statusCode(403);
        given().get("/v1/accounts/" + account + "/billing").then().statusCode(401);
    }
}
