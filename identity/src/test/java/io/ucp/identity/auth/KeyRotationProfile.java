package io.ucp.identity.auth;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Identity after a key rotation: signs with a new key, still accepts (and publishes) the previous public key. */
public class KeyRotationProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "ucp.identity.jwt.private-key-location", "test-keys/other-private.pem",
                "ucp.identity.jwt.previous-public-key-locations", "test-keys/jwt-public.pem");
    }
}
