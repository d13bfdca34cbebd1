package io.ucp.identity.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;

/** Reads a JWT's header and claims without verifying (tests only). */
public final class TokenParts {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TokenParts() {
    }

    public static JsonNode header(String jwt) {
        return part(jwt, 0);
    }

    public static JsonNode claims(String jwt) {
        return part(jwt, 1);
    }

    private static JsonNode part(String jwt, int index) {
        try {
            return MAPPER.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
