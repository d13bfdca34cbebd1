package io.ucp.identity.device;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.ucp.identity.support.Api;
import io.ucp.identity.support.IdentityEventLog;
import io.ucp.identity.support.contract.InvalidRequests;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DeviceTest {

    @Inject
    Pool pool;

    @Test
    void aSipDeviceGetsCredentialsShownOnceAndStoredAsADigest() throws Throwable {
        Api.User user = Api.newUser();
        var created = given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "sip", "name", "Desk phone")).post("/v1/devices")
                .then().statusCode(201).body("type", equalTo("sip")).body("sipCredentials.username", notNullValue())
                .body("sipCredentials.password", notNullValue()).body("sipCredentials.realm", equalTo("ucp.local"))
                .extract().jsonPath();
        String id = created.getString("id");
        String username = created.getString("sipCredentials.username");
        String password = created.getString("sipCredentials.password");
        String stored = VertxContextSupport.subscribeAndAwait(() -> pool
                .preparedQuery("SELECT sip_password_hash FROM user_devices WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).map(rows -> rows.iterator().next().getString(0)));
        assertThat(stored).isEqualTo(DeviceService.md5Hex(username + ":ucp.local:" + password)).doesNotContain(password);
        given().auth().oauth2(user.accessToken()).get("/v1/devices/" + id).then().statusCode(200)
                .body("sipUsername", equalTo(username)).body("sipCredentials", nullValue());

        var registered = IdentityEventLog.await(user.id().toString(), "device.registered", 1);
        assertThat(registered).hasSize(1);
        assertThat(registered.get(0).data().path("deviceId").asText()).isEqualTo(id);
        assertThat(registered.get(0).data().path("type").asText()).isEqualTo("sip");
        assertThat(registered.get(0).data().path("name").asText()).isEqualTo("Desk phone");
        // The HA1 travels sealed: not in clear, not under another key, not for another device.
        var data = registered.get(0).data();
        assertThat(data.path("sipUsername").asText()).isEqualTo(username);
        String sealed = data.path("sipHa1Sealed").asText();
        assertThat(data.toString()).doesNotContain(stored).doesNotContain(password);
        javax.crypto.spec.SecretKeySpec key = new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder()
                .decode(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("ucp.sip.credential-key", String.class)), "AES");
        assertThat(open(key, id, sealed)).isEqualTo(stored);
        byte[] otherKey = new byte[32];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> open(new javax.crypto.spec.SecretKeySpec(otherKey, "AES"),
                id, sealed)).isInstanceOf(javax.crypto.AEADBadTagException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> open(key, UUID.randomUUID().toString(), sealed))
                .isInstanceOf(javax.crypto.AEADBadTagException.class);
        // A non-SIP device's event carries no credentials at all.
        String web = given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "web", "name", "Browser")).post("/v1/devices").then().statusCode(201)
                .extract().path("id");
        var both = IdentityEventLog.await(user.id().toString(), "device.registered", 2);
        var webEvent = both.stream().filter(e -> web.equals(e.data().path("deviceId").asText())).findFirst().orElseThrow();
        assertThat(webEvent.data().has("sipHa1Sealed")).isFalse();
    }

    private static String open(javax.crypto.spec.SecretKeySpec key, String deviceId, String sealed) throws Exception {
        byte[] raw = java.util.Base64.getUrlDecoder().decode(sealed);
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(javax.crypto.Cipher.DECRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, raw, 0, 12));
        cipher.updateAAD(deviceId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new String(cipher.doFinal(raw, 12, raw.length - 12), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void devicesAreListedRenamedSeenAndRemoved() {
        Api.User user = Api.newUser();
        String id = given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "mobile", "name", "Phone", "pushToken", "fcm:abc")).post("/v1/devices")
                .then().statusCode(201).body("sipCredentials", nullValue()).body("lastSeenAt", nullValue())
                .extract().path("id");
        given().auth().oauth2(user.accessToken()).get("/v1/devices").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].pushToken", equalTo("fcm:abc"));
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(Map.of("name", "Work phone"))
                .patch("/v1/devices/" + id).then().statusCode(200).body("name", equalTo("Work phone"))
                .body("pushToken", equalTo("fcm:abc"));
        given().auth().oauth2(user.accessToken()).post("/v1/devices/" + id + "/seen").then().statusCode(200)
                .body("lastSeenAt", notNullValue());
        given().auth().oauth2(user.accessToken()).delete("/v1/devices/" + id).then().statusCode(204);
        given().auth().oauth2(user.accessToken()).get("/v1/devices/" + id).then().statusCode(404);
        var removed = IdentityEventLog.await(user.id().toString(), "device.removed", 1);
        assertThat(removed.get(0).data().path("deviceId").asText()).isEqualTo(id);
        assertThat(removed.get(0).data().path("accountId").asText()).isEqualTo(user.id().toString());
    }

    @Test
    @InvalidRequests("calls a secured operation without a token on purpose, to see the 401")
    void anotherUsersDeviceIsNotFound() {
        Api.User owner = Api.newUser();
        Api.User other = Api.newUser();
        String id = given().auth().oauth2(owner.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "web", "name", "Browser")).post("/v1/devices").then().statusCode(201)
                .extract().path("id");
        given().auth().oauth2(other.accessToken()).get("/v1/devices/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(other.accessToken()).contentType(ContentType.JSON).body(Map.of("name", "Mine"))
                .patch("/v1/devices/" + id).then().statusCode(404);
        given().auth().oauth2(other.accessToken()).post("/v1/devices/" + id + "/seen").then().statusCode(404);
        given().auth().oauth2(other.accessToken()).delete("/v1/devices/" + id).then().statusCode(404);
        given().auth().oauth2(other.accessToken()).get("/v1/devices").then().statusCode(200).body("$", hasSize(0));
        given().auth().oauth2(owner.accessToken()).get("/v1/devices/" + id).then().statusCode(200);
        given().get("/v1/devices").then().statusCode(401);
    }

    @Test
    @InvalidRequests("sends an unknown type, a blank and an over-long name on purpose, to see each 400")
    void badRegistrationsNameTheFieldAndTheCapHolds() {
        Api.User user = Api.newUser();
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "pager", "name", "Old")).post("/v1/devices").then().statusCode(400)
                .body("errors.field", hasItem("type"));
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "web", "name", "")).post("/v1/devices").then().statusCode(400)
                .body("errors.field", hasItem("name"));
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "web", "name", "x".repeat(201))).post("/v1/devices").then().statusCode(400)
                .body("errors.field", hasItem("name"));
        for (int i = 0; i < 4; i++) {
            given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                    .body(Map.of("type", "web", "name", "Tab " + i)).post("/v1/devices").then().statusCode(201);
        }
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "web", "name", "One too many")).post("/v1/devices").then().statusCode(409);
    }

    @Test
    void anIdempotentRegistrationReplaysWithoutTheSecret() {
        Api.User user = Api.newUser();
        String key = UUID.randomUUID().toString();
        Map<String, String> body = Map.of("type", "sip", "name", "Softphone");
        String id = given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body).post("/v1/devices").then().statusCode(201).body("sipCredentials.password", notNullValue())
                .extract().path("id");
        given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body).post("/v1/devices").then().statusCode(201).body("id", equalTo(id))
                .body("sipCredentials.password", nullValue());
        given().auth().oauth2(user.accessToken()).get("/v1/devices").then().body("$", hasSize(1));
    }
}
