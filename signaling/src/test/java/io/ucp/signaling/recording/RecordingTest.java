package io.ucp.signaling.recording;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.signaling.call.CallEvents;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.platform.TestTokens;
import io.ucp.signaling.routing.AccountCopies;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recording round trip against the S3 server: upload via presigned PUT, download by a party, 404 for others. */
@QuarkusTest
class RecordingTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KafkaCompanion kafka;

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    Pool pool;
    @Inject
    AccountCopies copies;
    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void aRecordingIsUploadedStoppedAndDownloadedByAParticipant() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of())
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(409);
            action(bob, callId, "answer").statusCode(200);

            var started = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                    .header("Idempotency-Key", "rec-" + callId).body(Map.of("contentType", "audio/ogg"))
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(201)
                    .body("state", equalTo("recording")).body("objectKey", startsWith("calls/" + callId + "/"))
                    .extract();
            String recordingId = started.path("recordingId");
            assertThat((String) started.path("url")).as("no size declared yet: no upload url").isNull();
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of())
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(409);
            given().auth().oauth2(alice.token()).when()
                    .post("/v1/calls/" + callId + "/recordings/" + recordingId + "/stop").then().statusCode(409);

            byte[] media = new byte[48_000];
            new java.util.Random(7).nextBytes(media);
            String uploadUrl = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                    .body(Map.of("sizeBytes", media.length))
                    .when().post("/v1/calls/" + callId + "/recordings/" + recordingId + "/upload").then()
                    .statusCode(200).extract().path("url");
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(uploadUrl))
                    .header("Content-Type", "audio/ogg").PUT(HttpRequest.BodyPublishers.ofByteArray(media)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

            given().auth().oauth2(alice.token()).when()
                    .post("/v1/calls/" + callId + "/recordings/" + recordingId + "/stop").then().statusCode(200)
                    .body("state", equalTo("stopped")).body("sizeBytes", equalTo(media.length));

            String downloadUrl = given().auth().oauth2(bob.token()).when()
                    .get("/v1/calls/" + callId + "/recordings/" + recordingId).then().statusCode(200)
                    .body("contentType", equalTo("audio/ogg")).extract().path("url");
            HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(URI.create(downloadUrl)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo(media);
            // A tampered link is refused by the storage server.
            HttpResponse<byte[]> tampered = HTTP.send(HttpRequest.newBuilder(URI.create(downloadUrl
                    .replace(recordingId, UUID.randomUUID().toString()))).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(tampered.statusCode()).isEqualTo(403);

            given().auth().oauth2(TestTokens.user(UUID.randomUUID())).when()
                    .get("/v1/calls/" + callId + "/recordings/" + recordingId).then().statusCode(404);
            given().auth().oauth2(TestTokens.admin(UUID.randomUUID())).when()
                    .get("/v1/calls/" + callId + "/recordings/" + recordingId).then().statusCode(200);
            given().auth().oauth2(bob.token()).when()
                    .get("/v1/calls/" + callId + "/recordings/" + UUID.randomUUID()).then().statusCode(404);

            action(alice, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.ended");
            JsonNode recordings = CallEvents.of(callId).get(3).data().path("call").path("recordings");
            assertThat(recordings.size()).isEqualTo(1);
            assertThat(recordings.get(0).path("sizeBytes").asLong()).isEqualTo(media.length);
            assertThat(recordings.get(0).path("objectKey").asText()).endsWith(".ogg");
            assertThat(recordings.get(0).has("durationSeconds")).isTrue();
        }
    }

    @Test
    void anUploadUrlAcceptsOnlyTheDeclaredSizeAndType() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            action(bob, callId, "answer").statusCode(200);
            byte[] media = new byte[10_000];
            new java.util.Random(11).nextBytes(media);
            // Declared at start: the url comes at once.
            var started = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                    .body(Map.of("contentType", "audio/ogg", "sizeBytes", media.length))
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(201).extract();
            String recordingId = started.path("recordingId");
            String url = started.path("url");
            assertThat(url).isNotNull();

            // One byte over: a body the store refuses before reading it all would race its early close.
            assertThat(put(url, "audio/ogg", new byte[media.length + 1]).statusCode()).as("a larger body")
                    .isEqualTo(403);
            assertThat(put(url, "audio/ogg", new byte[media.length - 1]).statusCode()).as("a smaller body")
                    .isEqualTo(403);
            assertThat(put(url, "text/html", media).statusCode()).as("another type").isEqualTo(403);
            given().auth().oauth2(alice.token()).when()
                    .post("/v1/calls/" + callId + "/recordings/" + recordingId + "/stop").then().statusCode(409);
            assertThat(put(url, "audio/ogg", media).statusCode()).isEqualTo(200);
            given().auth().oauth2(alice.token()).when()
                    .post("/v1/calls/" + callId + "/recordings/" + recordingId + "/stop").then().statusCode(200)
                    .body("sizeBytes", equalTo(media.length));

            // Bad sizes, strangers, unknown and stopped recordings.
            String path = "/v1/calls/" + callId + "/recordings/" + recordingId + "/upload";
            for (Object bad : List.of(0, -5, 10_000_000_000L)) {
                given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("sizeBytes", bad))
                        .when().post(path).then().statusCode(400).body("errors[0].field", equalTo("sizeBytes"));
            }
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of())
                    .when().post(path).then().statusCode(400);
            given().auth().oauth2(TestTokens.user(UUID.randomUUID())).contentType(ContentType.JSON)
                    .body(Map.of("sizeBytes", 100)).when().post(path).then().statusCode(404);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("sizeBytes", 100))
                    .when().post(path).then().statusCode(409);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("sizeBytes", 100))
                    .when().post("/v1/calls/" + callId + "/recordings/" + UUID.randomUUID() + "/upload").then()
                    .statusCode(404);
            action(alice, callId, "hangup").statusCode(200);
        }
    }

    private static HttpResponse<String> put(String url, String type, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theFeatureFlagCanForbidRecording() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            action(bob, callId, "answer").statusCode(200);
            Map<String, Object> data = new HashMap<>();
            data.put("key", RecordingService.FLAG);
            data.put("accountId", alice.id().toString());
            data.put("type", "boolean");
            data.put("value", false);
            Map<String, Object> envelope = Map.of("specversion", "1.0", "id", UUID.randomUUID().toString(),
                    "source", "/ucp/identity", "type", "feature-flag.changed", "time", OffsetDateTime.now().toString(),
                    "sequence", System.currentTimeMillis(), "data", data);
            kafka.produceStrings().fromRecords(new ProducerRecord<>("identity.events.test", alice.id().toString(),
                    mapper.writeValueAsString(envelope))).awaitCompletion();
            await().atMost(Duration.ofSeconds(20)).until(() -> CallTestSupport.await(
                    () -> copies.flag(RecordingService.FLAG, alice.id())) != null);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of())
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(403);
            given().auth().oauth2(bob.token()).contentType(ContentType.JSON).body(Map.of("contentType", "text/html"))
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(400);
            given().auth().oauth2(TestTokens.user(UUID.randomUUID())).contentType(ContentType.JSON).body(Map.of())
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(404);
            given().auth().oauth2(bob.token()).contentType(ContentType.JSON).body(Map.of())
                    .when().post("/v1/calls/" + callId + "/recordings").then().statusCode(201);
            action(alice, callId, "hangup").statusCode(200);
        }
    }
}
