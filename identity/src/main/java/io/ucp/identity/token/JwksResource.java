package io.ucp.identity.token;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/.well-known/jwks.json")
@Tag(name = "Keys")
public class JwksResource {

    private final SigningKeys keys;

    public JwksResource(SigningKeys keys) {
        this.keys = keys;
    }

    /** The shape {@link SigningKeys#jwks()} writes (RFC 7517), for the API document only. */
    @Schema(name = "JsonWebKeySet")
    record JsonWebKeySet(List<JsonWebKey> keys) {
    }

    @Schema(name = "JsonWebKey")
    record JsonWebKey(@Schema(enumeration = "RSA") String kty, @Schema(enumeration = "sig") String use,
            @Schema(enumeration = "RS256") String alg,
            @Schema(description = "RFC 7638 thumbprint of the key") String kid,
            @Schema(description = "Modulus, base64url") String n,
            @Schema(description = "Public exponent, base64url") String e) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getJwks",
            summary = "Public keys that verify access tokens (current key first, then keys still in overlap)")
    @APIResponseSchema(value = JsonWebKeySet.class, responseCode = "200", responseDescription = "The JSON Web Key Set")
    public Response jwks() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(keys.jwks()).cacheControl(cache).build();
    }
}
