package io.ucp.billing.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Readiness must say which backing server is missing, and stay a quick answer while it is. */
@QuarkusTest
@TestProfile(BackingServersDownProfile.class)
class ReadinessDownTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void readinessIsDownForRedisAndShowsKafkaAsDegradedOnly() {
        // Redis holds sessions and revocations: without it requests cannot be served. Kafka only delays events.
        given().port(management.getPort()).when().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Redis' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Kafka' }.data.degraded", equalTo(true))
                .body("checks.find { it.name.contains('PostgreSQL') }.status", equalTo("UP"));
    }

    @Test
    void livenessStaysUp() {
        given().port(management.getPort()).when().get("/q/health/live").then().statusCode(200);
    }
}
