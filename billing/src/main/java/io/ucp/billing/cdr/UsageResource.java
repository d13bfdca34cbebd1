package io.ucp.billing.cdr;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.platform.security.CurrentUser;
import io.ucp.billing.rating.RatingEngine;
import io.ucp.billing.support.Params;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/accounts/{accountId}/usage")
@Tag(name = "CDRs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    private final CdrQueries queries;
    private final CurrentUser user;

    public UsageResource(CdrQueries queries, CurrentUser user) {
        this.queries = queries;
        this.user = user;
    }

    @GET
    @Operation(operationId = "getAccountUsage",
            summary = "Usage summary for an account and period (default: the current UTC month)")
    @APIResponse(responseCode = "404", description = "Another user's account")
    @APIResponseSchema(value = CdrQueries.Usage.class, responseCode = "200", responseDescription = "The usage")
    public Uni<CdrQueries.Usage> usage(
            @PathParam("accountId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            String accountId,
            @QueryParam("from") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time"))
            String from,
            @QueryParam("to") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time"))
            String to) {
        UUID account = CdrResource.parseOr404(accountId);
        if (!user.mayAccess(account)) {
            throw ProblemException.notFound("Billing account " + accountId);
        }
        Instant now = Instant.now();
        Instant start = Params.instant("from", from);
        Instant end = Params.instant("to", to);
        start = start == null ? RatingEngine.monthStart(now) : start;
        end = end == null ? RatingEngine.nextMonthStart(start) : end;
        if (!end.isAfter(start)) {
            throw ProblemException.badRequest("to", "must be after from");
        }
        return queries.usage(account, start, end);
    }

}
