package io.ucp.identity.account;

import static io.restassured.RestAssured.given;
import static io.ucp.identity.support.Api.PASSWORD;
import static io.ucp.identity.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.ucp.identity.platform.TestTokens;
import io.ucp.identity.support.Api;
import io.ucp.identity.support.IdentityEventLog;
import io.ucp.identity.support.contract.InvalidRequests;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AccountTest {

    private static final String ADMIN = TestTokens.admin(UUID.randomUUID());

    @Test
    void signUpNormalisesTheEmailCreatesAProfileAndPublishesOneEvent() {
        String local = "Mixed.Case-" + UUID.randomUUID();
        UUID id = UUID.fromString(json().body(Map.of("email", local + "@EXAMPLE.Test", "password", PASSWORD,
                        "displayName", "Ada Lovelace"))
                .post("/v1/accounts").then().statusCode(201)
                .body("email", equalTo(local + "@example.test"))
                .body("status", equalTo("active"))
                .body("roles", containsInAnyOrder("user"))
                .body("password", nullValue()).body("passwordHash", nullValue())
                .extract().path("id"));

        List<IdentityEventLog.Event> created = IdentityEventLog.await(id.toString(), "account.created", 1);
        assertThat(created).hasSize(1);
        assertThat(created.get(0).data().path("accountId").asText()).isEqualTo(id.toString());
        assertThat(created.get(0).data().path("status").asText()).isEqualTo("active");
        assertThat(created.get(0).data().path("roles").get(0).asText()).isEqualTo("user");
        assertThat(created.get(0).data().path("createdAt").isMissingNode()).isFalse();

        String token = Api.login(local.toLowerCase() + "@example.test", PASSWORD).getString("accessToken");
        given().auth().oauth2(token).get("/v1/accounts/me").then().statusCode(200).body("id", equalTo(id.toString()));
        given().auth().oauth2(token).get("/v1/profiles/me").then().statusCode(200)
                .body("displayName", equalTo("Ada Lovelace"));
    }

    @Test
    void anEmailIsUniqueWhateverItsCase() {
        String email = Api.email();
        Api.signUp(email);
        json().body(Map.of("email", email.toUpperCase(), "password", PASSWORD)).post("/v1/accounts")
                .then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    @InvalidRequests("sends malformed and invalid sign-up bodies on purpose, to see each 400 name its field")
    void badSignUpsNameTheField() {
        json().body(Map.of("email", "not-an-email", "password", PASSWORD)).post("/v1/accounts")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("email"));
        json().body(Map.of("email", Api.email(), "password", "short")).post("/v1/accounts")
                .then().statusCode(400).body("errors.field", hasItem("password"));
        json().body(Map.of("email", Api.email(), "password", "password123")).post("/v1/accounts")
                .then().statusCode(400).body("errors.field", hasItem("password"))
                .body("errors[0].message", equalTo("is too common; choose another one"));
        json().body(Map.of("email", Api.email(), "password", "QwertyUiop1")).post("/v1/accounts")
                .then().statusCode(400).body("errors.field", hasItem("password"));
        json().body("{\"email\":").post("/v1/accounts").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void signUpAttemptsAreLimitedPerEmailAndPerAddress() {
        // Per email (the 409 tells a registered email): the 4th attempt in the window is a 429, from any address.
        String email = Api.email();
        Api.signUp(email);
        for (int i = 0; i < 2; i++) {
            json().header("X-Forwarded-For", Api.address()).body(Map.of("email", email, "password", PASSWORD))
                    .post("/v1/accounts").then().statusCode(409);
        }
        json().header("X-Forwarded-For", Api.address()).body(Map.of("email", email, "password", PASSWORD))
                .post("/v1/accounts").then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue());
        // Per address: after 30 attempts (any emails) the address gets 429, whatever the email.
        String address = Api.address();
        for (int i = 0; i < 30; i++) {
            json().header("X-Forwarded-For", address).body(Map.of("email", Api.email(), "password", "short"))
                    .post("/v1/accounts").then().statusCode(400);
        }
        json().header("X-Forwarded-For", address).body(Map.of("email", Api.email(), "password", PASSWORD))
                .post("/v1/accounts").then().statusCode(429).contentType("application/problem+json");
        // Another address is unaffected.
        json().header("X-Forwarded-For", Api.address()).body(Map.of("email", Api.email(), "password", PASSWORD))
                .post("/v1/accounts").then().statusCode(201);
    }

    @Test
    void anIdempotentSignUpReplaysTheFirstResult() {
        String email = Api.email();
        String key = UUID.randomUUID().toString();
        Map<String, String> body = Map.of("email", email, "password", PASSWORD);
        String first = json().header("Idempotency-Key", key).body(body).post("/v1/accounts")
                .then().statusCode(201).extract().path("id");
        json().header("Idempotency-Key", key).body(body).post("/v1/accounts")
                .then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(first));
        json().header("Idempotency-Key", key).body(Map.of("email", Api.email(), "password", PASSWORD))
                .post("/v1/accounts").then().statusCode(422);
        IdentityEventLog.await(first, "account.created", 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> IdentityEventLog.ofType(first, "account.created").size() == 1);
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void meNeedsAToken() {
        given().get("/v1/accounts/me").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void usersAreForbiddenFromAdminEndpoints() {
        Api.User user = Api.newUser();
        given().auth().oauth2(user.accessToken()).get("/v1/admin/accounts").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(user.accessToken()).post("/v1/admin/accounts/" + user.id() + "/suspend")
                .then().statusCode(403);
        given().auth().oauth2(user.accessToken()).delete("/v1/admin/accounts/" + user.id()).then().statusCode(403);
    }

    @Test
    @InvalidRequests("sends limit=1000, over the documented maximum, to see the 400 naming limit")
    void adminsSearchAndPageThroughAccounts() {
        String tag = "page" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            Api.signUp(tag + "-" + i + "@example.test");
        }
        var first = given().auth().oauth2(ADMIN).queryParam("q", tag).queryParam("limit", 2).get("/v1/admin/accounts")
                .then().statusCode(200).body("items.size()", equalTo(2)).body("nextCursor", notNullValue())
                .extract().jsonPath();
        given().auth().oauth2(ADMIN).queryParam("q", tag).queryParam("limit", 2)
                .queryParam("cursor", first.getString("nextCursor")).get("/v1/admin/accounts")
                .then().statusCode(200).body("items.size()", equalTo(1)).body("nextCursor", nullValue())
                .body("items[0].email", equalTo(tag + "-2@example.test"));
        given().auth().oauth2(ADMIN).queryParam("limit", 1000).get("/v1/admin/accounts")
                .then().statusCode(400).body("errors.field", hasItem("limit"));
        given().auth().oauth2(ADMIN).queryParam("cursor", "garbage!").get("/v1/admin/accounts")
                .then().statusCode(400).body("errors.field", hasItem("cursor"));
        // Well-formed base64 whose values are not a timestamp and an id: still a 400, never a 500.
        for (String values : List.of("yesterday\n" + UUID.randomUUID(), "2026-01-01T00:00:00Z\nnot-a-uuid", "a\nb")) {
            String tampered = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(values.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            given().auth().oauth2(ADMIN).queryParam("cursor", tampered).get("/v1/admin/accounts")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem("cursor"));
        }
        given().auth().oauth2(ADMIN).get("/v1/admin/accounts/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void suspensionEndsSessionsAndReactivationRestoresLogin() {
        Api.User user = Api.newUser();
        given().auth().oauth2(ADMIN).post("/v1/admin/accounts/" + user.id() + "/suspend")
                .then().statusCode(200).body("status", equalTo("suspended"));
        IdentityEventLog.await(user.id().toString(), "account.suspended", 1);
        assertThat(IdentityEventLog.ofType(user.id().toString(), "account.suspended").get(0).data().path("accountId")
                .asText()).isEqualTo(user.id().toString());

        given().auth().oauth2(user.accessToken()).get("/v1/accounts/me").then().statusCode(401);
        json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh").then().statusCode(401);
        json().header("X-Forwarded-For", Api.address()).body(Map.of("email", user.email(), "password", PASSWORD))
                .post("/v1/auth/login").then().statusCode(403);
        given().auth().oauth2(ADMIN).post("/v1/admin/accounts/" + user.id() + "/suspend").then().statusCode(409);

        given().auth().oauth2(ADMIN).post("/v1/admin/accounts/" + user.id() + "/reactivate")
                .then().statusCode(200).body("status", equalTo("active"));
        IdentityEventLog.await(user.id().toString(), "account.reactivated", 1);
        String fresh = Api.login(user.email(), PASSWORD).getString("accessToken");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                given().auth().oauth2(fresh).get("/v1/accounts/me").then().statusCode(200));
        given().auth().oauth2(ADMIN).post("/v1/admin/accounts/" + UUID.randomUUID() + "/suspend").then().statusCode(404);
    }

    @Test
    @InvalidRequests("sends an empty and an unknown role on purpose, to see the 400")
    void rolesChangePublishesAccountUpdated() {
        Api.User user = Api.newUser();
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("roles", List.of("user", "agent")))
                .put("/v1/admin/accounts/" + user.id() + "/roles")
                .then().statusCode(200).body("roles", containsInAnyOrder("user", "agent"));
        var updated = IdentityEventLog.await(user.id().toString(), "account.updated", 1);
        assertThat(updated.get(0).data().path("roles").toString()).contains("agent");
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("roles", List.of("owner")))
                .put("/v1/admin/accounts/" + user.id() + "/roles").then().statusCode(400)
                .body("errors.field", hasItem("roles"));
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("roles", List.of()))
                .put("/v1/admin/accounts/" + user.id() + "/roles").then().statusCode(400)
                .body("errors.field", hasItem("roles"));
        // A refresh picks up the new roles.
        String token = json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh")
                .then().statusCode(200).extract().path("accessToken");
        assertThat(TokenParts.claims(token).path("groups").toString()).contains("agent");
    }

    @Test
    void deletionErasesPersonalDataAndKeepsTheId() {
        Api.User user = Api.newUser();
        given().auth().oauth2(ADMIN).delete("/v1/admin/accounts/" + user.id())
                .then().statusCode(200).body("status", equalTo("deleted")).body("email", nullValue())
                .body("id", equalTo(user.id().toString()));
        IdentityEventLog.await(user.id().toString(), "account.deleted", 1);
        given().auth().oauth2(ADMIN).get("/v1/admin/accounts/" + user.id()).then().statusCode(200)
                .body("status", equalTo("deleted")).body("email", nullValue());
        given().auth().oauth2(user.accessToken()).get("/v1/accounts/me").then().statusCode(401);
        json().header("X-Forwarded-For", Api.address()).body(Map.of("email", user.email(), "password", PASSWORD))
                .post("/v1/auth/login").then().statusCode(401);
        given().auth().oauth2(ADMIN).delete("/v1/admin/accounts/" + user.id()).then().statusCode(409);
        // The email is free again.
        Api.signUp(user.email());
    }

    @Test
    void theInitialAdminExistsAndIsAnAdmin() {
        String token = Api.login("admin@identity.test", "Initial-Admin-Pass-2026").getString("accessToken");
        assertThat(TokenParts.claims(token).path("groups").toString()).contains("admin");
        given().auth().oauth2(token).get("/v1/admin/accounts").then().statusCode(200);
    }

    @Test
    void aUserChangesTheirPasswordAndOtherSessionsEnd() {
        Api.User user = Api.newUser();
        Api.User otherSession = new Api.User(user.id(), user.email(),
                Api.login(user.email(), PASSWORD).getString("accessToken"), null, null);
        String next = "Another-Long-Secret-42";
        given().auth().oauth2(user.accessToken()).contentType("application/json")
                .body(Map.of("currentPassword", "wrong-password-x", "newPassword", next))
                .put("/v1/accounts/me/password").then().statusCode(400).body("errors.field", hasItem("currentPassword"));
        given().auth().oauth2(user.accessToken()).contentType("application/json")
                .body(Map.of("currentPassword", PASSWORD, "newPassword", "12345678910"))
                .put("/v1/accounts/me/password").then().statusCode(400).body("errors.field", hasItem("newPassword"));
        given().auth().oauth2(user.accessToken()).contentType("application/json")
                .body(Map.of("currentPassword", PASSWORD, "newPassword", next))
                .put("/v1/accounts/me/password").then().statusCode(204);
        Api.login(user.email(), next);
        json().header("X-Forwarded-For", Api.address()).body(Map.of("email", user.email(), "password", PASSWORD))
                .post("/v1/auth/login").then().statusCode(401);
        given().auth().oauth2(otherSession.accessToken()).get("/v1/accounts/me").then().statusCode(401);
        given().auth().oauth2(user.accessToken()).get("/v1/accounts/me").then().statusCode(200);
        json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh").then().statusCode(200);
    }
}
