package io.ucp.identity.token;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.DefaultJWTTokenParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.security.Key;
import java.util.List;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Identity verifies its own tokens with its own keys (current and previous, chosen by {@code kid}) instead of
 * fetching its own JWKS over HTTP. Everything else (RS256 only, issuer, audience, expiry) stays smallrye-jwt's
 * standard checks. A token without a known kid is tried against the current key, as a PEM-configured verifier would.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class OwnKeysTokenParser extends JWTCallerPrincipalFactory {

    private final DefaultJWTTokenParser parser;

    public OwnKeysTokenParser(SigningKeys keys) {
        VerificationKeyResolver resolver = (JsonWebSignature jws, List<JsonWebStructure> nesting) -> select(keys,
                jws.getKeyIdHeaderValue());
        this.parser = new DefaultJWTTokenParser() {
            @Override
            protected VerificationKeyResolver getVerificationKeyResolver(JWTAuthContextInfo info) {
                return resolver;
            }
        };
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo) throws ParseException {
        JwtContext context = parser.parse(token, authContextInfo);
        String type = context.getJoseObjects().get(0).getHeader("typ");
        return new DefaultJWTCallerPrincipal(token, type, context.getJwtClaims());
    }

    private static Key select(SigningKeys keys, String kid) throws UnresolvableKeyException {
        if (kid != null) {
            for (SigningKeys.VerificationKey key : keys.all()) {
                if (key.kid().equals(kid)) {
                    return key.key();
                }
            }
        }
        return keys.current().key();
    }
}
