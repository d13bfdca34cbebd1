package io.ucp.billing.authorization;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/authorizations")
@Tag(name = "Authorization", description = "Call authorization for signaling")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AuthorizationResource {

    private final AuthorizationService authorizations;
    private final CurrentUser user;

    public AuthorizationResource(AuthorizationService authorizations, CurrentUser user) {
        this.authorizations = authorizations;
        this.user = user;
    }

    /** No state changes, so a repeated request is naturally idempotent (no Idempotency-Key needed). */
    @POST
    @Operation(operationId = "authorizeCall",
            summary = "May the account call the destination, and for how long its funds last")
    @APIResponse(responseCode = "404", description = "Another user's account (only admins authorize any account)")
    @APIResponseSchema(value = AuthorizationResponse.class, responseCode = "200",
            responseDescription = "The decision (allowed or not, with its reason)")
    public Uni<AuthorizationResponse> authorize(@Valid @NotNull AuthorizationRequest request) {
        if (!user.mayAccess(request.accountId())) {
            throw ProblemException.notFound("Billing account " + request.accountId());
        }
        return authorizations.authorize(request.accountId(), request.destination());
    }
}
