package io.ucp.billing.cdr;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.billing.platform.TestTokens;
import io.ucp.billing.support.Fixtures;
import io.ucp.billing.support.contract.InvalidRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CDR search with filters and cursors, CSV export, usage; users see their own CDRs only. */
@QuarkusTest
class CdrApiTest {

    private static KafkaCompanion kafka;
    private static final UUID ALICE = UUID.randomUUID();
    private static final UUID BOB = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-03-10T10:00:00Z");
    private static final List<UUID> ALICE_CALLS = new ArrayList<>();
    private static UUID bobCall;
    private static boolean seeded;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    /** Alice: 5 calls in March (3 answered outbound to +44..., 1 no-answer, 1 internal) and 1 in April; Bob: 1. */
    private static synchronized void seed() {
        if (seeded) {
            return;
        }
        String plan = Fixtures.uniqueCode("api");
        Fixtures.createPlan(plan, 1, 1, "0", "0", 0, Map.of("44", "0.60", "49", "0.60"));
        Fixtures.fundedAccount(kafka, ALICE, plan, "100.00", null);
        Fixtures.fundedAccount(kafka, BOB, plan, "100.00", null);
        int[] seconds = { 10, 20, 30, 0 };
        for (int i = 0; i < 4; i++) {
            ALICE_CALLS.add(publish(Fixtures.callEnded(null, "outbound", ALICE, "+4420712345" + i, null, "number",
                    T0.plusSeconds(600L * i), seconds[i])));
        }
        ALICE_CALLS.add(publish(Fixtures.callEnded(null, "internal", ALICE, null, BOB, "user", T0.plusSeconds(3000), 40)));
        ALICE_CALLS.add(publish(Fixtures.callEnded(null, "outbound", ALICE, "+4930111222", null, "number",
                Instant.parse("2026-04-01T00:00:00Z"), 60)));
        bobCall = publish(Fixtures.callEnded(null, "outbound", BOB, "+4930111222", null, "number", T0, 5));
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(Fixtures.ADMIN)
                .get("/v1/cdrs?limit=500&from=2026-03-01T00:00:00Z&to=2026-05-01T00:00:00Z&accountId=" + ALICE)
                .jsonPath().getList("items").size() == 6);
        seeded = true;
    }

    private static UUID publish(String dataWithNullId) {
        UUID callId = UUID.randomUUID();
        Fixtures.publish(kafka, Fixtures.CALL_TOPIC, callId.toString(), "call.ended", "/ucp/signaling",
                dataWithNullId.replace("\"callId\":\"null\"", "\"callId\":\"" + callId + "\""));
        return callId;
    }

    @Test
    void searchFiltersAndPagesWithACursor() {
        seed();
        String token = TestTokens.user(ALICE);
        String march = "from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z";
        List<String> seen = new ArrayList<>();
        String cursor = "";
        do {
            JsonPath page = given().auth().oauth2(token).get("/v1/cdrs?" + march + "&limit=2&cursor=" + cursor)
                    .then().log().ifValidationFails().statusCode(200).extract().jsonPath();
            assertThat(page.getList("items").size()).isLessThanOrEqualTo(2);
            seen.addAll(page.getList("items.callId"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(seen).containsExactly(ALICE_CALLS.get(4).toString(), ALICE_CALLS.get(3).toString(),
                ALICE_CALLS.get(2).toString(), ALICE_CALLS.get(1).toString(), ALICE_CALLS.get(0).toString());

        given().auth().oauth2(token).get("/v1/cdrs?" + march + "&direction=internal").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].calleeAccountId", equalTo(BOB.toString()));
        given().auth().oauth2(token).get("/v1/cdrs?" + march + "&disposition=no-answer").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].callId", equalTo(ALICE_CALLS.get(3).toString()));
        given().auth().oauth2(token).queryParam("number", "+44207123451").get("/v1/cdrs").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].cost", equalTo(0.2f))
                .body("items[0].recordings[0].contentType", equalTo("audio/ogg"))
                .body("items[0].currency", equalTo("EUR")).body("items[0].ratePrefix", equalTo("44"));
        given().auth().oauth2(token).queryParam("number", "+4930111222").get("/v1/cdrs").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].callId", equalTo(ALICE_CALLS.get(5).toString()));
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void usersSeeTheirOwnCdrsOnly() {
        seed();
        String alice = TestTokens.user(ALICE);
        String bobsCdr = given().auth().oauth2(TestTokens.user(BOB)).get("/v1/cdrs").then().statusCode(200)
                .body("items.size()", equalTo(1)).extract().path("items[0].id");
        given().auth().oauth2(alice).get("/v1/cdrs/" + bobsCdr).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(alice).get("/v1/cdrs?accountId=" + BOB).then().statusCode(404);
        given().auth().oauth2(alice).get("/v1/cdrs/export?accountId=" + BOB).then().statusCode(404);
        given().auth().oauth2(TestTokens.user(BOB)).get("/v1/cdrs/" + bobsCdr).then().statusCode(200)
                .body("callId", equalTo(bobCall.toString()));
        given().auth().oauth2(Fixtures.ADMIN).get("/v1/cdrs/" + bobsCdr).then().statusCode(200);
        given().get("/v1/cdrs").then().statusCode(401);
    }

    @Test
    void csvExportStreamsTheMatchingRows() {
        seed();
        String csv = given().auth().oauth2(TestTokens.user(ALICE))
                .get("/v1/cdrs/export?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&direction=outbound")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/csv"))
                .extract().asString();
        String[] lines = csv.split("\r\n");
        assertThat(lines[0]).startsWith("cdr_id,call_id,account_id,direction,caller_number,callee_number");
        assertThat(lines).hasSize(5);
        assertThat(lines[1]).contains(ALICE_CALLS.get(0).toString()).contains("\"outbound\"")
                .contains("\"+44207123450\"").contains("2026-03-10T10:00:00Z").contains(",0.10,\"EUR\",")
                .contains("\"answered\"");
        assertThat(lines[4]).contains(ALICE_CALLS.get(3).toString()).contains("\"no-answer\"");
        assertThat(csv).doesNotContain(bobCall.toString());
    }

    @Test
    @InvalidRequests("sends from=yesterday, an unknown direction, a non-numeric limit and a foreign cursor on purpose")
    void usageSummarisesAnAccountsPeriod() {
        seed();
        given().auth().oauth2(TestTokens.user(ALICE))
                .get("/v1/accounts/" + ALICE + "/usage?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z")
                .then().statusCode(200).body("calls", equalTo(5)).body("answeredCalls", equalTo(4))
                .body("billableSeconds", equalTo(100)).body("cost", equalTo(0.6f)).body("currency", equalTo("EUR"))
                .body("byDirection.outbound.calls", equalTo(4)).body("byDirection.internal.cost", equalTo(0f));
        given().auth().oauth2(TestTokens.user(ALICE)).get("/v1/accounts/" + ALICE + "/usage?from=yesterday")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().auth().oauth2(TestTokens.user(ALICE)).get("/v1/cdrs?direction=sideways")
                .then().statusCode(400).body("errors[0].field", equalTo("direction"));
        given().auth().oauth2(TestTokens.user(ALICE)).get("/v1/cdrs?limit=abc")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        given().auth().oauth2(TestTokens.user(ALICE)).get("/v1/cdrs?cursor=zz")
                .then().statusCode(400);
    }

    /** Issue #10, finding 5: every tampered cursor is a 400 naming it (the id and the time were not checked). */
    @Test
    void tamperedCursorsAre400() {
        seed();
        for (String text : List.of("2026-03-10T10:00:00Z|not-a-uuid", "2026-03-10T10:00:00Z|", "no-bar",
                "+999999999-12-31T23:59:59Z|" + UUID.randomUUID(), "2026-03-10T10:00:00Z|a\u0000b", "|")) {
            String cursor = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            given().auth().oauth2(TestTokens.user(ALICE)).get("/v1/cdrs?cursor=" + cursor).then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("cursor"));
            given().auth().oauth2(TestTokens.user(ALICE)).get("/v1/accounts/" + ALICE + "/ledger?cursor=" + cursor)
                    .then().statusCode(org.hamcrest.Matchers.lessThan(500));
        }
    }
}
