package io.ucp.presence.feed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.presence.support.Api;
import io.ucp.presence.support.FeedClient;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Garbage on the presence feed: every bad frame gets an {@code error} frame with a 4xx status (never 5xx), an
 * oversized frame closes the connection with 1009, and the service stays ready and keeps serving other feeds.
 */
@QuarkusTest
class FeedFuzzTest {

    @TestHTTPResource("/")
    URL base;
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void badFramesGetErrorFramesAndTheServiceStaysReady() throws Exception {
        Api.User alice = Api.user();
        String conversation = UUID.randomUUID().toString();
        List<String> frames = List.of(
                "not json", "{", "[]", "\"text\"", "42", "null", "{}", "{\"type\":null}", "{\"type\":42}",
                "{\"type\":\"teleport\"}", "{\"type\":\"presence\"}", "{\"type\":\"presence\",\"state\":42}",
                "{\"type\":\"presence\",\"state\":\"on-the-moon\"}",
                "{\"type\":\"presence\",\"state\":\"away\",\"statusText\":\"" + "s".repeat(300) + "\"}",
                "{\"type\":\"presence\",\"state\":\"away\",\"statusExpiresAt\":\"tomorrow\"}",
                "{\"type\":\"presence\",\"state\":\"away\",\"statusText\":\"a\u0000b\"}",
                "{\"type\":\"typing\"}", "{\"type\":\"typing\",\"conversationId\":\"not-a-uuid\"}",
                "{\"type\":\"typing\",\"conversationId\":\"" + conversation + "\"}",
                "{\"type\":\"read\",\"conversationId\":\"" + conversation + "\",\"seq\":\"many\"}",
                "{\"type\":\"read\",\"conversationId\":\"" + conversation + "\",\"seq\":-1}",
                "{\"type\":\"read\",\"conversationId\":[1],\"seq\":1}",
                "{\"type\":\"presence\",\"state\":\"away\",\"id\":{\"nested\":[1,2]},\"statusText\":\"\u0007\"}",
                "[".repeat(3000) + "]".repeat(3000));
        try (FeedClient feed = FeedClient.open(base.getPort(), alice)) {
            int errors = 0;
            for (String frame : frames) {
                feed.send(frame);
                int expected = ++errors;
                await().atMost(Duration.ofSeconds(10)).alias(frame.length() > 80 ? frame.substring(0, 80) : frame)
                        .until(() -> feed.ofType("error").size() >= expected);
            }
            assertThat(feed.ofType("error")).allSatisfy(e -> assertThat(e.path("data").path("status").asInt())
                    .as(e.toString()).isBetween(400, 499));
            assertThat(feed.closed).isNotDone();
        }
        // A frame over the feed's size limit closes the connection with 1009 (message too big).
        try (FeedClient big = FeedClient.open(base.getPort(), alice)) {
            big.send("{\"type\":\"presence\",\"statusText\":\"" + "y".repeat(100_000) + "\"}");
            assertThat(big.closed.get(15, TimeUnit.SECONDS)).isEqualTo(1009);
        }
        given().port(management.getPort()).when().get("/q/health/ready").then().statusCode(200);
        try (FeedClient other = FeedClient.open(base.getPort(), Api.user())) {
            JsonNode snapshot = other.awaitType("snapshot");
            assertThat(snapshot).isNotNull();
        }
    }
}
