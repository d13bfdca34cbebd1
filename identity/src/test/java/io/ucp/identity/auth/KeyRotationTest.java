package io.ucp.identity.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.ucp.identity.account.TokenParts;
import io.ucp.identity.support.Api;
import io.ucp.identity.token.SigningKeys;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rotation overlap: tokens of the previous key and of the new key both verify; the JWKS lists both. */
@QuarkusTest
@TestProfile(KeyRotationProfile.class)
class KeyRotationTest {

    @Test
    void oldAndNewKeysBothVerifyDuringTheOverlap() throws Exception {
        String oldKid = AuthTest.testKeyId();
        RSAPrivateCrtKey newPrivate = (RSAPrivateCrtKey) KeyUtils.readPrivateKey("test-keys/other-private.pem");
        String newKid = SigningKeys.thumbprint((RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(newPrivate.getModulus(), newPrivate.getPublicExponent())));

        given().get("/.well-known/jwks.json").then().statusCode(200).body("keys", hasSize(2))
                .body("keys.kid", contains(newKid, oldKid));

        Api.User user = Api.newUser();
        assertThat(TokenParts.header(user.accessToken()).path("kid").asText()).isEqualTo(newKid);
        given().auth().oauth2(user.accessToken()).get("/v1/accounts/me").then().statusCode(200);

        // A token the service issued before the rotation: signed with the old key, carrying the old key's id.
        Instant now = Instant.now();
        String beforeRotation = Jwt.issuer("https://ucp.local/identity").audience("ucp")
                .subject(user.id().toString()).groups(Set.of("user")).claim("sid", UUID.randomUUID().toString())
                .issuedAt(now).expiresAt(now.plusSeconds(600))
                .jws().keyId(oldKid).sign(KeyUtils.readPrivateKey("test-keys/jwt-private.pem"));
        given().auth().oauth2(beforeRotation).get("/v1/accounts/me").then().statusCode(200);

        // The old key under the new key's id, or an unrelated key: refused.
        String mislabelled = Jwt.issuer("https://ucp.local/identity").audience("ucp")
                .subject(user.id().toString()).groups(Set.of("user")).claim("sid", UUID.randomUUID().toString())
                .issuedAt(now).expiresAt(now.plusSeconds(600))
                .jws().keyId(newKid).sign(KeyUtils.readPrivateKey("test-keys/jwt-private.pem"));
        given().auth().oauth2(mislabelled).get("/v1/accounts/me").then().statusCode(401);
    }
}
