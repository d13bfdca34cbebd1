package io.ucp.identity.profile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.identity.platform.TestTokens;
import io.ucp.identity.support.Api;
import io.ucp.identity.support.IdentityEventLog;
import io.ucp.identity.support.contract.InvalidRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProfileTest {

    private static KafkaCompanion kafka;

    @BeforeAll
    static void connect() {
        kafka = new KafkaCompanion("127.0.0.1:9092");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void aUserEditsTheirProfileAndOthersSeeIt() {
        Api.User user = Api.newUser();
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("displayName", "Grace Hopper", "phone", "+49 30 123456789", "timeZone", "Europe/Berlin"))
                .patch("/v1/profiles/me").then().statusCode(200)
                .body("displayName", equalTo("Grace Hopper")).body("phoneE164", equalTo("+4930123456789"))
                .body("timeZone", equalTo("Europe/Berlin")).body("presence", equalTo("offline"));
        // National format with a region, then only the time zone: other fields are kept.
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("phone", "(202) 555-0143", "phoneRegion", "US"))
                .patch("/v1/profiles/me").then().statusCode(200).body("phoneE164", equalTo("+12025550143"));
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("timeZone", "America/New_York"))
                .patch("/v1/profiles/me").then().statusCode(200).body("phoneE164", equalTo("+12025550143"))
                .body("displayName", equalTo("Grace Hopper"));

        var updates = IdentityEventLog.await(user.id().toString(), "profile.updated", 3);
        assertThat(updates).hasSize(3);
        assertThat(updates.get(2).data().path("phoneE164").asText()).isEqualTo("+12025550143");
        assertThat(updates.get(2).data().path("timeZone").asText()).isEqualTo("America/New_York");
        assertThat(updates.get(2).data().path("displayName").asText()).isEqualTo("Grace Hopper");
        assertThat(updates.get(2).data().path("accountId").asText()).isEqualTo(user.id().toString());

        Api.User other = Api.newUser();
        given().auth().oauth2(other.accessToken()).get("/v1/profiles/" + user.id()).then().statusCode(200)
                .body("displayName", equalTo("Grace Hopper")).body("timeZone", equalTo("America/New_York"));
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(Map.of("phone", ""))
                .patch("/v1/profiles/me").then().statusCode(200).body("phoneE164", nullValue());
    }

    @Test
    @InvalidRequests("sends invalid names, phones and zones on purpose, and calls without a token to see the 401")
    void invalidPhonesAndZonesNameTheField() {
        Api.User user = Api.newUser();
        for (String phone : List.of("12345", "+1 555", "call me maybe", "+999 123456789")) {
            given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(Map.of("phone", phone))
                    .patch("/v1/profiles/me").then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem("phone"));
        }
        for (String zone : List.of("Mars/Olympus", "+02:00", "CEST")) {
            given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(Map.of("timeZone", zone))
                    .patch("/v1/profiles/me").then().statusCode(400).body("errors.field", hasItem("timeZone"));
        }
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(Map.of("displayName", ""))
                .patch("/v1/profiles/me").then().statusCode(400).body("errors.field", hasItem("displayName"));
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("displayName", "x".repeat(201))).patch("/v1/profiles/me").then().statusCode(400)
                .body("errors.field", hasItem("displayName"));
        given().auth().oauth2(user.accessToken()).get("/v1/profiles/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/v1/profiles/me").then().statusCode(401);
    }

    @Test
    @InvalidRequests("also sends limit=0, under the documented minimum, to see the 400")
    void theDirectoryFindsPeopleByNameOrPhoneAndPages() {
        String surname = "Zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String digits = String.valueOf(100 + (int) (Math.random() * 800));
        String token = null;
        for (int i = 0; i < 3; i++) {
            Api.User u = Api.newUser();
            token = u.accessToken();
            given().auth().oauth2(u.accessToken()).contentType(ContentType.JSON)
                    .body(Map.of("displayName", "Person" + i + " " + surname, "phone", "+44 20 7946 0" + digits))
                    .patch("/v1/profiles/me").then().statusCode(200);
        }
        var page = given().auth().oauth2(token).queryParam("q", surname.toLowerCase()).queryParam("limit", 2)
                .get("/v1/profiles").then().statusCode(200).body("items.size()", equalTo(2))
                .body("items[0].displayName", equalTo("Person0 " + surname)).body("nextCursor", notNullValue())
                .extract().jsonPath();
        given().auth().oauth2(token).queryParam("q", surname).queryParam("cursor", page.getString("nextCursor"))
                .queryParam("limit", 2).get("/v1/profiles").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].displayName", equalTo("Person2 " + surname))
                .body("nextCursor", nullValue());
        given().auth().oauth2(token).queryParam("q", "Person1 " + surname).get("/v1/profiles").then().statusCode(200)
                .body("items.size()", equalTo(1));
        given().auth().oauth2(token).queryParam("q", "+44 20 7946 0" + digits).queryParam("limit", 100)
                .get("/v1/profiles").then().statusCode(200)
                .body("items.findAll { it.displayName.endsWith('" + surname + "') }.size()", equalTo(3));
        given().auth().oauth2(token).queryParam("q", "").get("/v1/profiles").then().statusCode(400)
                .body("errors.field", hasItem("q"));
        given().auth().oauth2(token).queryParam("q", "a").queryParam("limit", 0).get("/v1/profiles").then()
                .statusCode(400).body("errors.field", hasItem("limit"));
    }

    @Test
    void presenceIsMirroredAndOlderVersionsAreDropped() {
        Api.User user = Api.newUser();
        publishPresence(user.id(), "dnd", 5);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(user.accessToken())
                .get("/v1/profiles/me").then().body("presence", equalTo("dnd")));
        publishPresence(user.id(), "available", 3); // stale: ignored
        String redelivered = publishPresence(user.id(), "busy", 6);
        publishRaw(user.id(), redelivered.replace("\"busy\"", "\"away\"")); // same event id again: no second effect
        publishRaw(user.id(), "not json at all");
        publishPresence(user.id(), "on-call", 7);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(user.accessToken())
                .get("/v1/profiles/me").then().body("presence", equalTo("on-call")));
    }

    @Test
    void presenceIsShownOnlyToTheAccountItselfNotInOthersProfilesOrTheDirectory() {
        Api.User user = Api.newUser();
        Api.User stranger = Api.newUser();
        String name = "Pz" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(Map.of("displayName", name))
                .patch("/v1/profiles/me").then().statusCode(200);
        publishPresence(user.id(), "dnd", 5);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(user.accessToken())
                .get("/v1/profiles/me").then().body("presence", equalTo("dnd")));
        given().auth().oauth2(user.accessToken()).get("/v1/profiles/" + user.id()).then().statusCode(200)
                .body("presence", equalTo("dnd"));
        // Presence decides who sees presence (approved watchers): identity's directory shows it to no one else.
        given().auth().oauth2(stranger.accessToken()).get("/v1/profiles/" + user.id()).then().statusCode(200)
                .body("displayName", equalTo(name)).body("$", org.hamcrest.Matchers.not(hasKey("presence")));
        given().auth().oauth2(stranger.accessToken()).queryParam("q", name).get("/v1/profiles").then()
                .statusCode(200).body("items.size()", equalTo(1))
                .body("items[0]", org.hamcrest.Matchers.not(hasKey("presence")));
    }

    private static String publishPresence(UUID account, String state, long version) {
        Map<String, Object> data = new HashMap<>();
        String event = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/ucp/presence\","
                + "\"type\":\"presence.changed\",\"time\":\"" + Instant.now() + "\",\"data\":{\"accountId\":\"" + account
                + "\",\"state\":\"" + state + "\",\"statusText\":null,\"version\":" + version + "}}";
        publishRaw(account, event);
        return event;
    }

    private static void publishRaw(UUID account, String value) {
        kafka.produceStrings().fromRecords(new ProducerRecord<>("presence.events.test", account.toString(), value))
                .awaitCompletion();
    }

    static String admin() {
        return TestTokens.admin(UUID.randomUUID());
    }
}
