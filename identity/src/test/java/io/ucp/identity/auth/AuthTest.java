package io.ucp.identity.auth;

import static io.restassured.RestAssured.given;
import static io.ucp.identity.support.Api.PASSWORD;
import static io.ucp.identity.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.jwt.util.KeyUtils;
import io.ucp.identity.account.TokenParts;
import io.ucp.identity.support.Api;
import io.ucp.identity.support.IdentityEventLog;
import io.ucp.identity.support.contract.InvalidRequests;
import io.ucp.identity.token.SigningKeys;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuthTest {

    @Inject
    RedisDataSource redis;

    @Test
    void loginIssuesAnRs256AccessTokenWithExactlyTheAgreedClaims() throws Exception {
        Api.User user = Api.newUser();
        JsonNode header = TokenParts.header(user.accessToken());
        JsonNode claims = TokenParts.claims(user.accessToken());
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("kid").asText()).isEqualTo(testKeyId());
        assertThat(claims.path("iss").asText()).isEqualTo("https://ucp.local/identity");
        assertThat(claims.path("aud").toString()).contains("ucp");
        assertThat(claims.path("sub").asText()).isEqualTo(user.id().toString());
        assertThat(claims.path("groups").toString()).isEqualTo("[\"user\"]");
        assertThat(claims.path("sid").asText()).isEqualTo(user.sessionId());
        long lifetime = claims.path("exp").asLong() - claims.path("iat").asLong();
        assertThat(lifetime).isPositive().isLessThanOrEqualTo(900);
        assertThat(user.refreshToken()).startsWith(user.sessionId() + ".");
        given().auth().oauth2(user.accessToken()).get("/v1/accounts/me").then().statusCode(200);
    }

    @Test
    @InvalidRequests("sends null and empty bodies on purpose, to see the 400 naming the body")
    void loginAndRefreshWithANullOrEmptyBodyAre400NamingTheBody() {
        for (String path : List.of("/v1/auth/login", "/v1/auth/refresh")) {
            for (String body : List.of("null", "")) {
                json().header("X-Forwarded-For", Api.address()).body(body).post(path)
                        .then().statusCode(400).contentType("application/problem+json")
                        .body("errors[0].field", equalTo("body"));
            }
        }
    }

    @Test
    void tokenResponsesAreNeverCached() {
        Api.User user = Api.newUser();
        json().header("X-Forwarded-For", Api.address()).body(Map.of("email", user.email(), "password", PASSWORD))
                .post("/v1/auth/login")
                .then().statusCode(200).header("Cache-Control", "no-store").header("Pragma", "no-cache");
        json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh")
                .then().statusCode(200).header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }

    @Test
    void theJwksVerifiesIssuedTokens() throws Exception {
        Api.User user = Api.newUser();
        String jwks = given().get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys[0].kid", equalTo(testKeyId())).body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].kty", equalTo("RSA")).body("keys[0].d", org.hamcrest.Matchers.nullValue())
                .extract().asString();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(user.accessToken());
        jws.setKey(new JsonWebKeySet(jwks).findJsonWebKey(testKeyId(), "RSA", "sig", "RS256").getKey());
        assertThat(jws.verifySignature()).isTrue();
    }

    @Test
    @InvalidRequests("also sends a login without its required email, to see the 400")
    void wrongPasswordAndUnknownEmailLookTheSame() {
        Api.User user = Api.newUser();
        String wrong = json().header("X-Forwarded-For", Api.address())
                .body(Map.of("email", user.email(), "password", "not-the-password")).post("/v1/auth/login")
                .then().statusCode(401).contentType("application/problem+json").extract().path("detail");
        String unknown = json().header("X-Forwarded-For", Api.address())
                .body(Map.of("email", Api.email(), "password", "not-the-password")).post("/v1/auth/login")
                .then().statusCode(401).extract().path("detail");
        assertThat(unknown).isEqualTo(wrong);
        json().body(Map.of("password", "x")).post("/v1/auth/login").then().statusCode(400)
                .body("errors[0].field", equalTo("email"));
    }

    @Test
    void repeatedFailuresForOneAccountAre429UntilTheWindowEnds() {
        Api.User user = Api.newUser();
        for (int i = 0; i < 3; i++) {
            failLogin(user.email(), Api.address()).then().statusCode(401);
        }
        // Even the right password is refused now, from any address, and so is an unknown email in the same state.
        Response limited = json().header("X-Forwarded-For", Api.address())
                .body(Map.of("email", user.email(), "password", PASSWORD)).post("/v1/auth/login");
        limited.then().statusCode(429).contentType("application/problem+json").header("Retry-After", notNullValue());
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 3L);
        String unknown = Api.email();
        for (int i = 0; i < 3; i++) {
            failLogin(unknown, Api.address()).then().statusCode(401);
        }
        failLogin(unknown, Api.address()).then().statusCode(429).header("Retry-After", notNullValue());

        await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                json().header("X-Forwarded-For", Api.address()).body(Map.of("email", user.email(), "password", PASSWORD))
                        .post("/v1/auth/login").then().statusCode(200));
    }

    @Test
    void repeatedFailuresFromOneAddressAre429() {
        String address = Api.address();
        for (int i = 0; i < 6; i++) {
            failLogin(Api.email(), address).then().statusCode(401);
        }
        failLogin(Api.email(), address).then().statusCode(429).header("Retry-After", notNullValue());
        Api.User other = Api.newUser();
        failLogin(other.email(), Api.address()).then().statusCode(401);
    }

    @Test
    void refreshRotatesAndReuseEndsTheWholeSession() {
        Api.User user = Api.newUser();
        var rotated = json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh")
                .then().statusCode(200).extract().jsonPath();
        String second = rotated.getString("refreshToken");
        assertThat(second).isNotEqualTo(user.refreshToken()).startsWith(user.sessionId() + ".");
        assertThat(rotated.getString("sessionId")).isEqualTo(user.sessionId());
        String secondAccess = rotated.getString("accessToken");
        given().auth().oauth2(secondAccess).get("/v1/accounts/me").then().statusCode(200);

        // The first token again: reuse. The family ends, including the legitimately rotated token.
        json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh").then().statusCode(401)
                .contentType("application/problem+json");
        json().body(Map.of("refreshToken", second)).post("/v1/auth/refresh").then().statusCode(401);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                given().auth().oauth2(secondAccess).get("/v1/accounts/me").then().statusCode(401));

        var revoked = IdentityEventLog.await(user.id().toString(), "session.revoked", 1);
        assertThat(revoked).hasSize(1);
        assertThat(revoked.get(0).data().path("sessionId").asText()).isEqualTo(user.sessionId());
        assertThat(revoked.get(0).data().path("accountId").asText()).isEqualTo(user.id().toString());
    }

    @Test
    void aRefreshKeepsTheSessionAndItsAccountIndexAlive() {
        Api.User user = Api.newUser();
        String index = "ucp:identity:account-sessions:" + user.id();
        String session = "ucp:identity:session:" + user.sessionId();
        redis.key().pexpire(index, 60_000);
        redis.key().pexpire(session, 60_000);
        json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh").then().statusCode(200);
        long thirtyDaysLessAMinute = Duration.ofDays(30).minusMinutes(1).toMillis();
        assertThat(redis.key().pttl(index)).isGreaterThan(thirtyDaysLessAMinute);
        assertThat(redis.key().pttl(session)).isGreaterThan(thirtyDaysLessAMinute);
        assertThat(redis.hash(String.class).hget(session, "current")).doesNotContain(user.refreshToken().split("\\.")[1]);
    }

    @Test
    @InvalidRequests("also sends a refresh without its required refreshToken, to see the 400")
    void garbageRefreshTokensAre401() {
        for (String token : List.of("nope", "abc.", UUID.randomUUID() + ".forged")) {
            json().body(Map.of("refreshToken", token)).post("/v1/auth/refresh").then().statusCode(401);
        }
        json().body(Map.of()).post("/v1/auth/refresh").then().statusCode(400)
                .body("errors[0].field", equalTo("refreshToken"));
    }

    @Test
    void logoutEndsTheSessionAtOnce() {
        Api.User user = Api.newUser();
        given().auth().oauth2(user.accessToken()).post("/v1/auth/logout").then().statusCode(204);
        given().auth().oauth2(user.accessToken()).get("/v1/accounts/me").then().statusCode(401);
        json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh").then().statusCode(401);
        IdentityEventLog.await(user.id().toString(), "session.revoked", 1);
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void usersListAndRevokeOnlyTheirOwnSessions() {
        Api.User user = Api.newUser();
        String secondAccess = Api.login(user.email(), PASSWORD).getString("accessToken");
        String secondSession = TokenParts.claims(secondAccess).path("sid").asText();
        given().auth().oauth2(user.accessToken()).get("/v1/auth/sessions").then().statusCode(200)
                .body("$", hasSize(2))
                .body("find { it.id == '" + user.sessionId() + "' }.current", equalTo(true))
                .body("find { it.id == '" + secondSession + "' }.current", equalTo(false))
                .body("find { it.id == '" + secondSession + "' }.userAgent", equalTo("ucp-test/1.0"))
                .body("[0].createdAt", notNullValue()).body("[0].lastUsedAt", notNullValue());

        Api.User stranger = Api.newUser();
        given().auth().oauth2(stranger.accessToken()).delete("/v1/auth/sessions/" + secondSession)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(secondAccess).get("/v1/accounts/me").then().statusCode(200);

        given().auth().oauth2(user.accessToken()).delete("/v1/auth/sessions/" + secondSession).then().statusCode(204);
        given().auth().oauth2(secondAccess).get("/v1/accounts/me").then().statusCode(401);
        given().auth().oauth2(user.accessToken()).get("/v1/auth/sessions").then().statusCode(200).body("$", hasSize(1));

        given().auth().oauth2(user.accessToken()).delete("/v1/auth/sessions").then().statusCode(204);
        given().auth().oauth2(user.accessToken()).get("/v1/accounts/me").then().statusCode(401);
        json().body(Map.of("refreshToken", user.refreshToken())).post("/v1/auth/refresh").then().statusCode(401);
        given().get("/v1/auth/sessions").then().statusCode(401);
    }

    @Test
    void tamperedCopiesOfIssuedTokensAreRefused() throws Exception {
        Api.User user = Api.newUser();
        String[] parts = user.accessToken().split("\\.");
        String adminClaims = b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("[\"user\"]", "[\"user\",\"admin\"]"));
        String kid = testKeyId();
        String publicPem = new String(getClass().getClassLoader().getResourceAsStream("test-keys/jwt-public.pem")
                .readAllBytes(), StandardCharsets.UTF_8);
        String hsInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}") + "." + parts[1];
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(publicPem.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String otherKeySigned = io.smallrye.jwt.build.Jwt.claims(new com.fasterxml.jackson.databind.ObjectMapper().<Map<String, Object>>readValue(
                Base64.getUrlDecoder().decode(parts[1]), new com.fasterxml.jackson.core.type.TypeReference<>() { })).jws().keyId(kid).sign(KeyUtils.readPrivateKey("test-keys/other-private.pem"));
        String[] refused = {
            parts[0] + "." + adminClaims + "." + parts[2],
            b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".",
            hsInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(hsInput.getBytes(StandardCharsets.US_ASCII))),
            otherKeySigned,
        };
        for (String token : refused) {
            given().auth().oauth2(token).get("/v1/accounts/me").then().statusCode(401)
                    .contentType("application/problem+json");
        }
        given().auth().oauth2(user.accessToken()).get("/v1/accounts/me").then().statusCode(200);
    }

    private static Response failLogin(String email, String address) {
        return json().header("X-Forwarded-For", address).body(Map.of("email", email, "password", "wrong-password-1"))
                .post("/v1/auth/login");
    }

    static String testKeyId() throws Exception {
        return SigningKeys.thumbprint((RSAPublicKey) KeyUtils.readPublicKey("test-keys/jwt-public.pem"));
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
