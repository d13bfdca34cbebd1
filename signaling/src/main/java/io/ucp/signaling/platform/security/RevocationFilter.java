package io.ucp.signaling.platform.security;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.platform.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses an access token whose session was revoked or whose account was suspended after it was issued. */
public class RevocationFilter {

    private final CurrentIdentityAssociation identities;
    private final RevokedSessions revoked;

    public RevocationFilter(CurrentIdentityAssociation identities, RevokedSessions revoked) {
        this.identities = identities;
        this.revoked = revoked;
    }

    @ServerRequestFilter
    public Uni<Response> refuseRevoked(ContainerRequestContext request) {
        if (request.getHeaderString(HttpHeaders.AUTHORIZATION) == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                .onFailure().recoverWithNull()
                .chain(identity -> {
                    if (identity == null || identity.isAnonymous()
                            || !(identity.getPrincipal() instanceof JsonWebToken token)) {
                        return Uni.createFrom().nullItem();
                    }
                    UUID account;
                    try {
                        account = UUID.fromString(token.getSubject());
                    } catch (IllegalArgumentException | NullPointerException e) {
                        return Uni.createFrom().item(refusal(request, "The access token's subject is not an account id"));
                    }
                    String session = token.getClaim(CurrentUser.SESSION_CLAIM);
                    return revoked.isRevoked(session, account, Instant.ofEpochSecond(token.getIssuedAtTime()))
                            .map(isRevoked -> isRevoked
                                    ? refusal(request, "The session of this access token has ended")
                                    : null);
                });
    }

    private static Response refusal(ContainerRequestContext request, String detail) {
        Problem problem = Problem.of(401, "unauthorized", "Unauthorized", detail,
                request.getUriInfo().getRequestUri().getPath());
        return Response.status(401).type(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(problem).build();
    }
}
