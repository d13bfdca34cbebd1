package io.ucp.billing.authorization;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.billing.platform.TestTokens;
import io.ucp.billing.support.Fixtures;
import io.ucp.billing.support.contract.InvalidRequests;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /v1/authorizations: allowed or not, and for how long, from hot balances and rates. */
@QuarkusTest
class AuthorizationTest {

    private static KafkaCompanion kafka;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private static ValidatableResponse authorize(String token, Object account, String destination) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"accountId\":" + (account == null ? "null" : "\"" + account + "\"") + ",\"destination\":"
                        + (destination == null ? "null" : "\"" + destination + "\"") + "}")
                .post("/v1/authorizations").then();
    }

    @Test
    void postpaidCreditAndFreeMinutesSetTheMaximumDuration() {
        String plan = Fixtures.uniqueCode("auth");
        Fixtures.createPlan(plan, 1, 1, "0", "0", 0, Map.of("49", "6.00", "4917", "12.00"));
        UUID account = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, account, plan, null, "\"mode\":\"postpaid\",\"creditLimit\":3.00");
        String token = TestTokens.user(account);
        authorize(token, account, "+4930123").statusCode(200).body("allowed", equalTo(true))
                .body("reason", equalTo("ok")).body("maxDurationSeconds", equalTo(30))
                .body("ratePerMinute", equalTo(6.0f)).body("currency", equalTo("EUR"));
        authorize(token, account, "+4917123").statusCode(200).body("maxDurationSeconds", equalTo(15))
                .body("ratePerMinute", equalTo(12.0f));
        authorize(token, account, "+331234").statusCode(200).body("allowed", equalTo(false))
                .body("reason", equalTo("no-rate"));
        authorize(token, account, "internal").statusCode(200).body("allowed", equalTo(true))
                .body("maxDurationSeconds", equalTo(14400)).body("ratePerMinute", equalTo(0f));

        String free = Fixtures.uniqueCode("free");
        Fixtures.createPlan(free, 60, 60, "0", "0", 1, Map.of("49", "1.20"));
        UUID prepaid = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, prepaid, free, null, null);
        // No money, one free minute: exactly the first increment is covered.
        authorize(TestTokens.user(prepaid), prepaid, "+4930123").statusCode(200).body("allowed", equalTo(true))
                .body("maxDurationSeconds", equalTo(60));
    }

    @Test
    void accountsWithoutBillingOrPlanAreRefused() {
        UUID unknown = UUID.randomUUID();
        authorize(TestTokens.user(unknown), unknown, "+4930123").statusCode(200).body("allowed", equalTo(false))
                .body("reason", equalTo("no-billing-account"));
        UUID noPlan = UUID.randomUUID();
        Fixtures.openAccount(kafka, noPlan);
        authorize(TestTokens.user(noPlan), noPlan, "+4930123").statusCode(200).body("allowed", equalTo(false))
                .body("reason", equalTo("no-plan")).body("currency", equalTo("EUR"));
    }

    @Test
    void aUserAuthorizesOnlyTheirOwnAccountAndAdminsAny() {
        String plan = Fixtures.uniqueCode("own");
        Fixtures.createPlan(plan, 60, 60, "0", "0", 0, Map.of("49", "1.00"));
        UUID account = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, account, plan, "2.00", null);
        authorize(TestTokens.user(UUID.randomUUID()), account, "+4930123").statusCode(404)
                .contentType("application/problem+json");
        authorize(TestTokens.admin(UUID.randomUUID()), account, "+4930123").statusCode(200)
                .body("maxDurationSeconds", equalTo(120));
        authorize("not.a.token", account, "+4930123").statusCode(401);
    }

    @Test
    @InvalidRequests("sends a non-E.164 destination, a missing or malformed accountId and malformed JSON on purpose")
    void badInputsNameTheField() {
        UUID account = UUID.randomUUID();
        String token = TestTokens.user(account);
        authorize(token, account, "030123").statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(org.hamcrest.Matchers.containsString("destination")));
        authorize(token, null, "+4930123").statusCode(400)
                .body("errors.field", hasItem(org.hamcrest.Matchers.containsString("accountId")));
        authorize(token, "not-a-uuid", "+4930123").statusCode(400);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{").post("/v1/authorizations")
                .then().statusCode(400);
    }
}
