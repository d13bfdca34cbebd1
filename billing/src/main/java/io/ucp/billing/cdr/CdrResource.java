package io.ucp.billing.cdr;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.platform.security.CurrentUser;
import io.ucp.billing.rating.RatingEngine;
import io.ucp.billing.support.Cursor;
import io.ucp.billing.support.Params;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

@Path("/v1")
@Tag(name = "CDRs", description = "Call detail records: search, CSV export, usage; users see their own")
@Authenticated
public class CdrResource {

    private static final int MAX_PAGE = 500;
    private static final Set<String> DIRECTIONS = Set.of("internal", "inbound", "outbound");
    private static final Set<String> DISPOSITIONS = Set.of("answered", "no-answer", "busy", "failed", "cancelled",
            "insufficient-funds");

    private final CdrQueries queries;
    private final RerateService rerating;
    private final CurrentUser user;

    public CdrResource(CdrQueries queries, RerateService rerating, CurrentUser user) {
        this.queries = queries;
        this.rerating = rerating;
        this.user = user;
    }

    @GET
    @Path("/cdrs")
    @Operation(summary = "Search CDRs, newest first (time range, account, direction, disposition, number prefix)")
    public Uni<CdrResponse.Page> search(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("accountId") String accountId, @QueryParam("direction") String direction,
            @QueryParam("disposition") String disposition, @QueryParam("number") String number,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return queries.search(filter(from, to, accountId, direction, disposition, number),
                Cursor.decode("cursor", cursor), Params.limit("limit", limit, 50, MAX_PAGE));
    }

    @GET
    @Path("/cdrs/export")
    @Produces("text/csv")
    @Operation(summary = "Stream matching CDRs as CSV, oldest first")
    @ResponseHeader(name = "Content-Disposition", value = "attachment; filename=\"cdrs.csv\"")
    public Multi<String> export(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("accountId") String accountId, @QueryParam("direction") String direction,
            @QueryParam("disposition") String disposition, @QueryParam("number") String number) {
        CdrFilter filter = filter(from, to, accountId, direction, disposition, number);
        return Multi.createFrom().item(CdrCsv.HEADER)
                .onCompletion().switchTo(queries.stream(filter).map(CdrCsv::line));
    }

    @GET
    @Path("/cdrs/{id}")
    @Operation(summary = "One CDR")
    public Uni<CdrResponse> get(@PathParam("id") String id) {
        UUID cdrId = parseOr404(id);
        return queries.byId(cdrId).map(cdr -> {
            if (cdr == null || !user.mayAccess(cdr.accountId())) {
                throw ProblemException.notFound("CDR " + id);
            }
            return cdr;
        });
    }

    @POST
    @Path("/cdrs/{id}/rerate")
    @RolesAllowed("admin")
    @Operation(summary = "Re-rate a CDR with the plan as corrected; the difference is a ledger adjustment")
    public Uni<CdrResponse> rerate(@PathParam("id") String id) {
        return rerating.rerate(parseOr404(id));
    }

    private CdrFilter filter(String from, String to, String accountId, String direction, String disposition,
            String number) {
        Instant start = Params.instant("from", from);
        Instant end = Params.instant("to", to);
        if (start != null && end != null && !end.isAfter(start)) {
            throw ProblemException.badRequest("to", "must be after from");
        }
        UUID account = Params.uuid("accountId", accountId);
        if (!user.isAdmin()) {
            if (account != null && !account.equals(user.id())) {
                throw ProblemException.notFound("Billing account " + accountId);
            }
            account = user.id();
        }
        if (number != null && !number.isBlank() && !number.matches("^\\+?[0-9]{1,15}$")) {
            throw ProblemException.badRequest("number", "must be digits, optionally starting with +");
        }
        return new CdrFilter(start, end, account, Params.oneOf("direction", direction, DIRECTIONS),
                Params.oneOf("disposition", disposition, DISPOSITIONS),
                number == null || number.isBlank() ? null : number);
    }

    static UUID parseOr404(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("Resource " + id);
        }
    }
}
