package io.ucp.signaling.queue;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.user;
import static io.ucp.signaling.queue.QueueFixtures.agent;
import static io.ucp.signaling.queue.QueueFixtures.enter;
import static io.ucp.signaling.queue.QueueFixtures.login;
import static io.ucp.signaling.queue.QueueFixtures.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.routing.AccountCopies;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Queue agents offered a call find it in their history: taken by them, or answered by a colleague. */
@QuarkusTest
class QueueHistoryTest {

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    AccountCopies copies;

    @Test
    void bothRingAllAgentsSeeTheQueuedCallTheOneWhoAnsweredAndTheOneWhoWasOffered() throws Throwable {
        UUID q = queue(Map.of("strategy", "ring-all"));
        try (User a = agent(channel, copies, q); User b = agent(channel, copies, q); User caller = user(channel, 1)) {
            login(a, q);
            login(b, q);
            UUID callId = enter(caller, q);
            a.device().awaitCall("call.offer", callId, "ringing");
            b.device().awaitCall("call.offer", callId, "ringing");
            action(a, callId, "answer").statusCode(200);
            action(caller, callId, "hangup").statusCode(200);

            JsonPath taken = entry(a, callId);
            assertThat(taken.getString("role")).isEqualTo("agent");
            assertThat(taken.getString("outcome")).isEqualTo("answered");
            assertThat(taken.getString("queueId")).isEqualTo(q.toString());
            assertThat(taken.getString("peer.accountId")).isEqualTo(caller.id().toString());
            assertThat(entry(b, callId).getString("outcome")).isEqualTo("answered-elsewhere");
            JsonPath placed = entry(caller, callId);
            assertThat(placed.getString("direction")).isEqualTo("outgoing");
            assertThat(placed.getString("peer.queueId")).isEqualTo(q.toString());
            // Answered elsewhere is no missed call.
            given().auth().oauth2(b.token()).when().get("/v1/calls/history/missed").then().body("count", equalTo(0));
        }
    }

    private static JsonPath entry(User who, UUID callId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(who.token()).when()
                .get("/v1/calls/history/" + callId).then().extract().statusCode() == 200);
        return given().auth().oauth2(who.token()).when().get("/v1/calls/history/" + callId).then().extract()
                .jsonPath();
    }
}
