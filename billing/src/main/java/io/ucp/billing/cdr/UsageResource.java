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
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/accounts/{accountId}/usage")
@Tag(name = "CDRs")
@Authenticated
public class UsageResource {

    private final CdrQueries queries;
    private final CurrentUser user;

    public UsageResource(CdrQueries queries, CurrentUser user) {
        this.queries = queries;
        this.user = user;
    }

    @GET
    @Operation(summary = "Usage summary for an account and period (default: the current UTC month)")
    public Uni<CdrQueries.Usage> usage(@PathParam("accountId") String accountId, @QueryParam("from") String from,
            @QueryParam("to") String to) {
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
