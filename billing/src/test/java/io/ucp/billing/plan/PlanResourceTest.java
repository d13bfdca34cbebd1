package io.ucp.billing.plan;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.ucp.billing.platform.TestTokens;
import io.ucp.billing.support.Fixtures;
import io.ucp.billing.support.contract.InvalidRequests;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Plans admin API: versions instead of edits once in force; validation; admin only. */
@QuarkusTest
class PlanResourceTest {

    private static final String ADMIN = Fixtures.ADMIN;

    private static String body(String code, String effectiveFrom, String rate) {
        return "{" + (code == null ? "" : "\"code\":\"" + code + "\",") + "\"name\":\"Standard\",\"currency\":\"EUR\","
                + (effectiveFrom == null ? "" : "\"effectiveFrom\":\"" + effectiveFrom + "\",")
                + "\"initialIncrementSeconds\":30,\"subsequentIncrementSeconds\":6,\"connectFee\":0.05,"
                + "\"minimumCharge\":0.10,\"monthlyFee\":5.00,\"includedFreeMinutes\":100,"
                + "\"destinationRates\":[{\"prefix\":\"49\",\"ratePerMinute\":" + rate + "},"
                + "{\"prefix\":\"4915\",\"ratePerMinute\":0.19,\"connectFee\":0.10}]}";
    }

    @Test
    void aPlanInForceChangesByAddingAVersion() {
        String code = Fixtures.uniqueCode("std");
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body(code, "2025-01-01T00:00:00Z", "0.02"))
                .when().post("/v1/plans")
                .then().statusCode(201).header("Location", "/v1/plans/" + code + "/versions/1")
                .body("version", equalTo(1)).body("inUse", equalTo(true))
                .body("destinationRates[1].prefix", equalTo("4915"))
                .body("destinationRates[1].ratePerMinute", equalTo(0.19f))
                .body("includedFreeMinutes", equalTo(100));

        // Editing history is refused; a second plan with the same code too.
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body(null, "2025-01-01T00:00:00Z", "0.03"))
                .when().put("/v1/plans/" + code + "/versions/1")
                .then().statusCode(409).contentType("application/problem+json");
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body(code, null, "0.03"))
                .when().post("/v1/plans").then().statusCode(409);

        // A correction from a past instant: version 2; version 1 now ends there.
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body(null, "2025-06-01T00:00:00Z", "0.03"))
                .when().post("/v1/plans/" + code + "/versions")
                .then().statusCode(201).body("version", equalTo(2)).body("effectiveTo", nullValue());
        given().auth().oauth2(ADMIN).when().get("/v1/plans/" + code)
                .then().statusCode(200)
                .body("versions.size()", equalTo(2))
                .body("versions[0].effectiveTo", equalTo("2025-06-01T00:00:00Z"))
                .body("versions[0].destinationRates[0].ratePerMinute", equalTo(0.02f))
                .body("versions[1].destinationRates[0].ratePerMinute", equalTo(0.03f));
        // Not before the latest version's start.
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body(null, "2025-03-01T00:00:00Z", "0.03"))
                .when().post("/v1/plans/" + code + "/versions")
                .then().statusCode(400).body("errors[0].field", equalTo("effectiveFrom"));

        // A scheduled version can be edited and withdrawn while it is not in force.
        String future = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        String later = Instant.now().plus(40, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body(null, future, "0.04"))
                .when().post("/v1/plans/" + code + "/versions").then().statusCode(201).body("inUse", equalTo(false));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body(null, later, "0.05"))
                .when().put("/v1/plans/" + code + "/versions/3")
                .then().statusCode(200).body("destinationRates[0].ratePerMinute", equalTo(0.05f));
        given().auth().oauth2(ADMIN).when().get("/v1/plans/" + code + "/versions/2")
                .then().statusCode(200).body("effectiveTo", equalTo(later));
        given().auth().oauth2(ADMIN).when().delete("/v1/plans/" + code + "/versions/3").then().statusCode(204);
        given().auth().oauth2(ADMIN).when().get("/v1/plans/" + code + "/versions/2")
                .then().statusCode(200).body("effectiveTo", nullValue());
        given().auth().oauth2(ADMIN).when().delete("/v1/plans/" + code + "/versions/2").then().statusCode(409);
        given().auth().oauth2(ADMIN).when().get("/v1/plans?limit=200").then().statusCode(200)
                .body("items.code", hasItem(code));
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstResult() {
        String code = Fixtures.uniqueCode("idem");
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(ADMIN).header("Idempotency-Key", key).contentType(ContentType.JSON)
                    .body(body(code, "2025-01-01T00:00:00Z", "0.02")).when().post("/v1/plans")
                    .then().statusCode(201).body("version", equalTo(1));
        }
        given().auth().oauth2(ADMIN).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body(body(code, "2025-01-01T00:00:00Z", "0.09")).when().post("/v1/plans")
                .then().statusCode(422);
        given().auth().oauth2(ADMIN).when().get("/v1/plans/" + code).then().body("versions.size()", equalTo(1));
    }

    @Test
    @InvalidRequests("sends invalid currencies, rates, codes and limits on purpose, to see each 400 name its field")
    void badInputsNameTheField() {
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body(body(Fixtures.uniqueCode("bad"), null, "0.02").replace("\"EUR\"", "\"EURO\""))
                .when().post("/v1/plans").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(org.hamcrest.Matchers.containsString("currency")));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body(body(Fixtures.uniqueCode("bad"), null, "0.02").replace("\"EUR\"", "\"XYZ\""))
                .when().post("/v1/plans").then().statusCode(400).body("errors[0].field", equalTo("currency"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body(body(Fixtures.uniqueCode("bad"), null, "-1"))
                .when().post("/v1/plans").then().statusCode(400)
                .body("errors.field", hasItem(org.hamcrest.Matchers.containsString("ratePerMinute")));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body(body(Fixtures.uniqueCode("bad"), null, "0.02").replace("\"4915\"", "\"49\""))
                .when().post("/v1/plans").then().statusCode(400).body("errors[0].field", equalTo("destinationRates"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body(null, null, "0.02"))
                .when().post("/v1/plans").then().statusCode(400).body("errors[0].field", equalTo("code"));
        given().auth().oauth2(ADMIN).when().get("/v1/plans/nope-" + UUID.randomUUID().toString().substring(0, 6))
                .then().statusCode(404);
        given().auth().oauth2(ADMIN).when().get("/v1/plans?limit=0").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        given().auth().oauth2(ADMIN).when().get("/v1/plans?limit=abc").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void onlyAdminsManagePlans() {
        given().auth().oauth2(TestTokens.user(UUID.randomUUID())).contentType(ContentType.JSON)
                .body(body(Fixtures.uniqueCode("x"), null, "0.02")).when().post("/v1/plans")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.user(UUID.randomUUID())).when().get("/v1/plans").then().statusCode(403);
        given().when().get("/v1/plans").then().statusCode(401).body("status", notNullValue());
    }
}
