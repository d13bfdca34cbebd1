package io.ucp.identity.flag;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.ucp.identity.platform.TestTokens;
import io.ucp.identity.support.Api;
import io.ucp.identity.support.IdentityEventLog;
import io.ucp.identity.support.contract.InvalidRequests;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FeatureFlagTest {

    private static final String ADMIN = TestTokens.admin(UUID.randomUUID());

    private static RequestSpecification admin() {
        return given().auth().oauth2(ADMIN).contentType(ContentType.JSON);
    }

    private static String newKey() {
        return "test." + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void defaultsAndOverridesResolveToTheEffectiveSet() {
        String flag = newKey();
        String other = newKey();
        admin().body(Map.of("key", flag, "type", "number", "value", 5, "description", "Max parallel calls"))
                .post("/v1/admin/feature-flags").then().statusCode(201).body("key", equalTo(flag))
                .body("value", equalTo(5));
        admin().body(Map.of("key", other, "type", "json", "value", Map.of("codecs", List.of("opus", "g711"))))
                .post("/v1/admin/feature-flags").then().statusCode(201);
        Api.User user = Api.newUser();
        Api.User neighbour = Api.newUser();

        given().auth().oauth2(user.accessToken()).get("/v1/feature-flags/me").then().statusCode(200)
                .body("'" + flag + "'.value", equalTo(5)).body("'" + flag + "'.source", equalTo("default"))
                .body("'" + other + "'.value.codecs[0]", equalTo("opus"));

        admin().body(Map.of("value", 9)).put("/v1/admin/feature-flags/" + flag + "/overrides/" + user.id())
                .then().statusCode(200).body("overrides[0].accountId", equalTo(user.id().toString()));
        given().auth().oauth2(user.accessToken()).get("/v1/feature-flags/me").then()
                .body("'" + flag + "'.value", equalTo(9)).body("'" + flag + "'.source", equalTo("override"))
                .body("'" + flag + "'.type", equalTo("number"));
        given().auth().oauth2(neighbour.accessToken()).get("/v1/feature-flags/me").then()
                .body("'" + flag + "'.value", equalTo(5));

        admin().body(Map.of("value", 7)).put("/v1/admin/feature-flags/" + flag).then().statusCode(200)
                .body("value", equalTo(7)).body("description", equalTo("Max parallel calls"));
        given().auth().oauth2(neighbour.accessToken()).get("/v1/feature-flags/me").then()
                .body("'" + flag + "'.value", equalTo(7));

        admin().delete("/v1/admin/feature-flags/" + flag + "/overrides/" + user.id()).then().statusCode(204);
        given().auth().oauth2(user.accessToken()).get("/v1/feature-flags/me").then()
                .body("'" + flag + "'.value", equalTo(7));
        admin().delete("/v1/admin/feature-flags/" + flag).then().statusCode(204);
        given().auth().oauth2(user.accessToken()).get("/v1/feature-flags/me").then().body("$", not(hasKey(flag)));
        admin().get("/v1/admin/feature-flags/" + flag).then().statusCode(404);
    }

    @Test
    void changesArePublished() {
        String flag = newKey();
        admin().body(Map.of("key", flag, "type", "bool", "value", true)).post("/v1/admin/feature-flags")
                .then().statusCode(201);
        Api.User user = Api.newUser();
        admin().body(Map.of("value", false)).put("/v1/admin/feature-flags/" + flag + "/overrides/" + user.id())
                .then().statusCode(200);
        admin().delete("/v1/admin/feature-flags/" + flag).then().statusCode(204);

        var global = IdentityEventLog.await(flag, "feature-flag.changed", 2);
        assertThat(global).hasSize(2);
        assertThat(global.get(0).data().path("value").asBoolean()).isTrue();
        assertThat(global.get(0).data().path("accountId").isNull()).isTrue();
        assertThat(global.get(0).data().path("type").asText()).isEqualTo("bool");
        assertThat(global.get(1).data().path("value").isNull()).isTrue();
        var override = IdentityEventLog.await(user.id().toString(), "feature-flag.changed", 1);
        assertThat(override.get(0).data().path("key").asText()).isEqualTo(flag);
        assertThat(override.get(0).data().path("accountId").asText()).isEqualTo(user.id().toString());
        assertThat(override.get(0).data().path("value").asBoolean()).isFalse();
    }

    @Test
    @InvalidRequests("sends an unknown type and values outside every flag type on purpose, to see the 400")
    void valuesMustMatchTheirTypeAndKeysTheirFormat() {
        String flag = newKey();
        admin().body(Map.of("key", flag, "type", "bool", "value", "yes")).post("/v1/admin/feature-flags")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("value"));
        admin().body(Map.of("key", "Bad Key!", "type", "bool", "value", true)).post("/v1/admin/feature-flags")
                .then().statusCode(400).body("errors.field", hasItem("key"));
        admin().body(Map.of("key", flag, "type", "enum", "value", true)).post("/v1/admin/feature-flags")
                .then().statusCode(400).body("errors.field", hasItem("type"));
        Map<String, Object> nullValue = new HashMap<>(Map.of("key", flag, "type", "string"));
        nullValue.put("value", null);
        admin().body(nullValue).post("/v1/admin/feature-flags").then().statusCode(400)
                .body("errors.field", hasItem("value"));
        admin().body(Map.of("key", flag, "type", "string", "value", "blue")).post("/v1/admin/feature-flags")
                .then().statusCode(201);
        admin().body(Map.of("key", flag, "type", "string", "value", "red")).post("/v1/admin/feature-flags")
                .then().statusCode(409);
        admin().body(Map.of("value", 3)).put("/v1/admin/feature-flags/" + flag).then().statusCode(400)
                .body("errors.field", hasItem("value"));
        admin().body(Map.of("value", "x")).put("/v1/admin/feature-flags/" + flag + "/overrides/" + UUID.randomUUID())
                .then().statusCode(404);
        admin().body(Map.of("value", "x")).put("/v1/admin/feature-flags/" + newKey() + "/overrides/" + UUID.randomUUID())
                .then().statusCode(404);
        admin().get("/v1/admin/feature-flags").then().statusCode(200).body("items", notNullValue());
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void onlyAdminsManageFlags() {
        Api.User user = Api.newUser();
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("key", newKey(), "type", "bool", "value", true)).post("/v1/admin/feature-flags")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(user.accessToken()).get("/v1/admin/feature-flags").then().statusCode(403);
        given().auth().oauth2(user.accessToken()).delete("/v1/admin/feature-flags/x").then().statusCode(403);
        given().get("/v1/feature-flags/me").then().statusCode(401);
    }
}
