package io.ucp.signaling.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's foundation: migrations, its backing servers, its API conventions. */
@QuarkusTest
class PlatformTest {

    @Inject
    Pool pool;

    @Test
    void readinessProbesPostgresRedisKafkaAndS3() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Redis", "Kafka", "S3", "Media relay (rtpengine)"))
                .body("checks.name", hasItem(containsString("PostgreSQL")))
                .body("checks.status", not(hasItem("DOWN")));
    }

    @Test
    void migrationsCreateExactlyTheDomainTables() throws Throwable {
        List<String> tables = VertxContextSupport.subscribeAndAwait(() -> pool
                .query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                        + "AND table_type = 'BASE TABLE' ORDER BY table_name")
                .execute().map(rows -> {
                    List<String> names = new ArrayList<>();
                    for (Row row : rows) {
                        names.add(row.getString(0));
                    }
                    return names;
                }));
        assertThat(tables).containsExactlyInAnyOrder("call_sessions", "call_legs", "call_routing", "call_queues", "queue_members",
                "flyway_schema_history", "outbox_events", "processed_events");
    }

    @Test
    void unknownRouteIsAProblem() {
        given().when().get("/v1/no-such-thing")
                .then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404)).body("title", equalTo("Not Found"));
    }

    @Test
    void malformedJsonIsA400() {
        given().contentType(ContentType.JSON).body("{\"name\": \"x\",").when().post("/v1/test-probe")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", containsString("malformed-json"));
    }

    @Test
    void aWrongTypeNamesTheField() {
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"count\": \"many\", \"items\": []}")
                .when().post("/v1/test-probe")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("count"));
    }

    @Test
    void validationNamesEachField() {
        given().contentType(ContentType.JSON)
                .body("{\"name\": \"\", \"count\": 11, \"items\": [{\"label\": \"far too long a label\"}]}")
                .when().post("/v1/test-probe")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItems("name", "count", "items[0].label"));
    }

    @Test
    void aQueryParameterOutOfRangeNamesIt() {
        given().queryParam("limit", 1000).when().get("/v1/test-probe")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("limit"));
    }

    @Test
    void anOversizedBodyIsA413Problem() {
        String big = "{\"name\": \"" + "x".repeat(300_000) + "\", \"count\": 1, \"items\": []}";
        given().contentType(ContentType.JSON).body(big).when().post("/v1/test-probe")
                .then().statusCode(413).contentType("application/problem+json");
    }

    @Test
    void wrongMethodAndMediaTypeAreProblems() {
        given().when().delete("/v1/test-probe")
                .then().statusCode(405).contentType("application/problem+json");
        given().contentType(ContentType.TEXT).body("hello").when().post("/v1/test-probe")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void aConflictIsA409() {
        given().when().get("/v1/test-probe/conflict")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("forbids"));
    }

    @Test
    void anUnexpectedFailureLeaksNothing() {
        given().when().get("/v1/test-probe/crash")
                .then().statusCode(500).contentType("application/problem+json")
                .body("detail", not(containsString("secret")))
                .body(not(containsString("at io.ucp")));
    }

    @Test
    void openApiAndMetricsAreServed() {
        given().when().get("/q/openapi?format=json").then().statusCode(200).body("info.title", containsString("UCP"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("ucp_outbox"));
    }
}
