package io.ucp.signaling.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's foundation: migrations, its backing servers, its API conventions. */
@QuarkusTest
class PlatformTest {

    @Inject
    Pool pool;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void readinessProbesPostgresRedisKafkaAndS3() {
        given().port(management.getPort()).when().get("/q/health/ready")
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
        // The diagram's five tables, the platform's three, and call history's read model (V10).
        assertThat(tables).containsExactlyInAnyOrder("call_sessions", "call_legs", "call_routing", "call_queues", "queue_members",
                "flyway_schema_history", "outbox_events", "processed_events", "call_history", "call_history_marks");
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
    void openApiIsPublicAndMetricsAndHealthOnlyOnTheManagementPort() {
        given().when().get("/q/openapi?format=json").then().statusCode(200).body("info.title", containsString("UCP"));
        given().port(management.getPort()).when().get("/q/metrics")
                .then().statusCode(200).body(containsString("ucp_outbox"));
        for (String path : List.of("/q/metrics", "/q/health", "/q/health/ready", "/q/health/live")) {
            given().when().get(path).then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void percentEncodedSpecialsInAPathAreProblemsNot500() {
        for (String segment : List.of("%20", "%00", "%22", "%7Bx%7D", "a%20b", "%27", "%5C", "%25", "%3C%3E")) {
            given().urlEncodingEnabled(false).when().get("/v1/test-probe/items/" + segment)
                    .then().statusCode(404).contentType("application/problem+json");
            given().urlEncodingEnabled(false).when().get("/v1/no-such-thing/" + segment)
                    .then().statusCode(404).contentType("application/problem+json")
                    .body("instance", startsWith("/v1/no-such-thing/"));
        }
    }

    @Test
    void aDuplicatedKeyIsA400NamingIt() {
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"count\": 1, \"count\": 2, \"items\": []}")
                .when().post("/v1/test-probe")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("count"));
    }

    @Test
    void aNullOrEmptyBodyIsA400() {
        for (String body : List.of("null", "")) {
            given().contentType(ContentType.JSON).body(body).when().post("/v1/test-probe")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("body"));
        }
    }

    @Test
    void aBodyOverTheHttpLimitIsA413Problem() {
        String big = "{\"name\": \"" + "x".repeat(1_100_000) + "\", \"count\": 1, \"items\": []}";
        given().contentType(ContentType.JSON).body(big).when().post("/v1/test-probe")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413Problem() throws Exception {
        // No Content-Length: the limit can only be applied while the body streams in (#10 finding 10).
        String big = "{\"name\": \"" + "x".repeat(300_000) + "\", \"count\": 1, \"items\": []}";
        java.net.http.HttpResponse<String> response = chunked(big);
        org.assertj.core.api.Assertions.assertThat(response.statusCode()).isEqualTo(413);
        org.assertj.core.api.Assertions.assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/problem+json");
        org.assertj.core.api.Assertions.assertThat(response.body()).contains("\"status\":413");
    }

    @Test
    void aSmallChunkedBodyIsReadAsUsual() throws Exception {
        java.net.http.HttpResponse<String> response = chunked("{\"name\": \"probe\", \"count\": 1, \"items\": []}");
        org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(response.body()).isLessThan(300);
    }

    /** POST to the probe without Content-Length (Transfer-Encoding: chunked), past the REST Assured validator. */
    private static java.net.http.HttpResponse<String> chunked(String body) throws Exception {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + io.restassured.RestAssured.port + "/v1/test-probe")).header("Content-Type",
                        "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                () -> new java.io.ByteArrayInputStream(bytes))).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTooLongUriIsA414Problem() {
        given().queryParam("limit", 1).queryParam("pad", "x".repeat(10_000)).when().get("/v1/test-probe")
                .then().statusCode(414).contentType("application/problem+json").body("status", equalTo(414));
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        for (String path : List.of("/v1/test-probe?limit=1", "/v1/no-such-thing", "/q/openapi")) {
            given().when().get(path).then()
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer")
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("Content-Security-Policy", containsString("default-src 'none'"))
                    .header("Cache-Control", "no-store")
                    .header("Pragma", "no-cache");
        }
        // Swagger UI still renders: its page and scripts load under its own policy.
        given().when().get("/q/swagger-ui/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self' 'unsafe-inline'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
    }
}
