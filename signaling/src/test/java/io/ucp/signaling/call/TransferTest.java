package io.ucp.signaling.call;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.action;
import static io.ucp.signaling.call.CallTestSupport.assertEvents;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.platform.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Blind and attended transfers, with the events of every call involved. */
@QuarkusTest
class TransferTest {

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    Pool pool;

    @Test
    void blindTransferRingsTheTargetAndCompletesWhenItAnswers() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID callId = answeredCall(alice, bob);
            transfer(bob, callId, "transfer", carol.id()).statusCode(200)
                    .body("transfer.type", equalTo("blind")).body("transfer.state", equalTo("ringing"))
                    .body("legs.find { it.accountId == '" + bob.id() + "' }.state", equalTo("ended"));
            carol.device().awaitCall("call.offer", callId, "active");
            action(carol, callId, "answer").statusCode(200).body("transfer.state", equalTo("completed"))
                    .body("state", equalTo("active"))
                    .body("legs.findAll { it.state == 'active' }.accountId",
                            org.hamcrest.Matchers.containsInAnyOrder(alice.id().toString(), carol.id().toString()));
            alice.device().awaitMessage("call.update", m -> "completed".equals(
                    m.path("call").path("transfer").path("state").asText()));
            action(alice, callId, "hangup").statusCode(200).body("endCause", equalTo("normal"));
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.transferred",
                    "call.transferred", "call.ended");
        }
    }

    @Test
    void aBlindTransferTheTargetDeclinesEndsTheCall() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID callId = answeredCall(alice, bob);
            transfer(bob, callId, "transfer", carol.id()).statusCode(200);
            action(carol, callId, "reject").statusCode(200).body("endCause", equalTo("rejected"))
                    .body("transfer.state", equalTo("failed"));
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.transferred",
                    "call.ended");
        }
    }

    @Test
    void aConcurrentHangupAndTransferCannotBothWin() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            for (int round = 0; round < 4; round++) {
                UUID callId = answeredCall(alice, bob);
                var threads = Executors.newFixedThreadPool(2);
                try {
                    Future<Integer> hangup = threads.submit(() -> action(bob, callId, "hangup").extract().statusCode());
                    Future<Integer> move = threads.submit(() -> transfer(bob, callId, "transfer", carol.id())
                            .extract().statusCode());
                    assertThat(List.of(hangup.get(), move.get())).containsExactlyInAnyOrder(200, 409);
                } finally {
                    threads.shutdownNow();
                }
                given().auth().oauth2(alice.token()).when().get("/v1/calls/" + callId).then().statusCode(200);
                // Whatever won, end the call so the next round starts clean.
                action(alice, callId, "hangup");
                long transferred = CallEvents.awaitTypes(callId, 4).stream().filter("call.transferred"::equals)
                        .count();
                long ended = CallTestSupport.count(pool, "SELECT count(*) FROM outbox_events WHERE event_key = $1 "
                        + "AND event_type = 'call.ended'", callId.toString());
                assertThat(ended).isEqualTo(1);
                assertThat(transferred).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void attendedTransferConsultsThenCompletes() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID callId = answeredCall(alice, bob);
            String consult = transfer(bob, callId, "transfer/consult", carol.id()).statusCode(200)
                    .body("state", equalTo("held")).body("transfer.type", equalTo("attended"))
                    .body("transfer.state", equalTo("consulting")).extract().path("transfer.consultCallId");
            UUID consultId = UUID.fromString(consult);
            carol.device().awaitCall("call.offer", consultId, "ringing");
            action(bob, callId, "transfer/complete").statusCode(409).body("detail", containsString("ringing"));
            action(carol, consultId, "answer").statusCode(200);
            action(alice, callId, "transfer/complete").statusCode(409);
            action(bob, callId, "transfer/complete").statusCode(200).body("state", equalTo("active"))
                    .body("transfer.state", equalTo("completed"))
                    .body("legs.findAll { it.state == 'active' }.accountId",
                            org.hamcrest.Matchers.containsInAnyOrder(alice.id().toString(), carol.id().toString()));
            given().auth().oauth2(carol.token()).when().get("/v1/calls/" + consultId).then()
                    .body("state", equalTo("ended")).body("endCause", equalTo("normal"));
            // Media now flows alice ↔ carol: carol's device may signal into the original call.
            carol.device().send(Map.of("type", "sdp", "callId", callId.toString(), "description",
                    Map.of("type", "offer", "sdp", "v=0\r\n")));
            alice.device().awaitMessage("sdp", m -> callId.toString().equals(m.path("callId").asText()));
            action(carol, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.transferred",
                    "call.transferred", "call.ended");
            assertEvents(pool, consultId, "call.created", "call.ringing", "call.answered", "call.ended");
        }
    }

    @Test
    void attendedTransferCanBeCancelled() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID callId = answeredCall(alice, bob);
            String consult = transfer(bob, callId, "transfer/consult", carol.id()).statusCode(200)
                    .extract().path("transfer.consultCallId");
            UUID consultId = UUID.fromString(consult);
            String key = "cancel-" + UUID.randomUUID();
            for (int i = 0; i < 2; i++) {
                CallTestSupport.action(bob.token(), callId, "transfer/cancel", key).statusCode(200)
                        .body("state", equalTo("active")).body("transfer.state", equalTo("cancelled"));
            }
            given().auth().oauth2(bob.token()).when().get("/v1/calls/" + consultId).then()
                    .body("endCause", equalTo("cancelled"));
            action(bob, callId, "transfer/cancel").statusCode(409);
            action(alice, callId, "hangup").statusCode(200);
            assertEvents(pool, callId, "call.created", "call.ringing", "call.answered", "call.transferred",
                    "call.transferred", "call.ended");
            assertEvents(pool, consultId, "call.created", "call.ringing", "call.ended");
        }
    }

    @Test
    void transfersNeedAPartyAValidTargetAndAnAnsweredCall() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1); User carol = user(channel, 1)) {
            UUID ringing = call(alice, bob);
            transfer(alice, ringing, "transfer", carol.id()).statusCode(409);
            action(alice, ringing, "hangup").statusCode(200);
            UUID callId = answeredCall(alice, bob);
            given().auth().oauth2(TestTokens.user(UUID.randomUUID())).contentType(ContentType.JSON)
                    .body(Map.of("toAccountId", carol.id())).when().post("/v1/calls/" + callId + "/transfer")
                    .then().statusCode(404);
            given().auth().oauth2(bob.token()).contentType(ContentType.JSON).body(Map.of())
                    .when().post("/v1/calls/" + callId + "/transfer").then().statusCode(400)
                    .body("errors.field", hasItem(containsString("toAccountId")));
            transfer(bob, callId, "transfer", UUID.randomUUID()).statusCode(422)
                    .body("errors[0].field", equalTo("toAccountId"));
            transfer(bob, callId, "transfer", alice.id()).statusCode(409);
            action(bob, callId, "hangup").statusCode(200);
        }
    }

    private UUID answeredCall(User from, User to) {
        UUID callId = call(from, to);
        action(to, callId, "answer").statusCode(200);
        return callId;
    }

    private static ValidatableResponse transfer(User who, UUID callId, String path, UUID target) {
        return given().auth().oauth2(who.token()).contentType(ContentType.JSON)
                .body(Map.of("toAccountId", target)).when().post("/v1/calls/" + callId + "/" + path).then();
    }
}
