package io.ucp.signaling.call;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallTestSupport.User;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue #10, finding 6: a device that answers the moment its offer arrives gets its ack and the call is active —
 * also for readers of the cached active calls. The race was the cache rebuild: a caller's read that missed the
 * cache took its snapshot from PostgreSQL just before the answer committed and wrote it back (DEL + HSET) after
 * the answer's cache update, so "ringing" stayed in Redis while the call was active.
 */
@QuarkusTest
class AnswerAtOnceTest {

    private static final int CALLS = 50;

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void answeringRightOnTheOfferMakesEveryCallActive() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            for (int i = 0; i < CALLS; i++) {
                // The caller's cached active calls are gone (Redis flushed, expired): her next read rebuilds them.
                CallTestSupport.await(() -> redis.key().del("ucp:signaling:active:" + alice.id()));
                UUID callId = call(alice, bob);
                bob.device().awaitCall("call.offer", callId, "ringing");
                String ref = "a" + i;
                CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> given().auth()
                        .oauth2(alice.token()).get("/v1/calls/" + callId).then().statusCode(200));
                bob.device().send(Map.of("type", "answer", "callId", callId.toString(), "ref", ref));
                bob.device().awaitMessage("ack", m -> ref.equals(m.path("ref").asText()));
                reading.join();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(alice.token())
                        .get("/v1/calls/" + callId).then().statusCode(200)
                        .body("state", org.hamcrest.Matchers.equalTo("active")));
                assertThat(bob.device().received()).noneMatch(m -> "error".equals(m.path("type").asText()));
                CallTestSupport.action(alice, callId, "hangup").statusCode(200);
                alice.device().awaitCall("call.update", callId, "ended");
            }
        }
    }
}
