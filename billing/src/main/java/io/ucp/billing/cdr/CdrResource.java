package io.ucp.billing.cdr;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.openapi.ContractFilter;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

@Path("/v1")
@Tag(name = "CDRs", description = "Call detail records: search, CSV export, usage; users see their own")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
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
    @Operation(operationId = "searchCdrs",
            summary = "Search CDRs, newest first (time range, account, direction, disposition, number prefix)")
    @APIResponse(responseCode = "404", description = "accountId names another user's account")
    @APIResponseSchema(value = CdrResponse.Page.class, responseCode = "200", responseDescription = "One page of CDRs")
    public Uni<CdrResponse.Page> search(
            @QueryParam("from") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time"))
            String from,
            @QueryParam("to") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time"))
            String to,
            @QueryParam("accountId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            String accountId,
            @QueryParam("direction") @Parameter(schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"internal", "inbound", "outbound"})) String direction,
            @QueryParam("disposition") @Parameter(schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"answered", "no-answer", "busy", "failed", "cancelled", "insufficient-funds"}))
            String disposition,
            @QueryParam("number") @Parameter(description = "Number prefix (caller or callee)",
                    schema = @Schema(type = SchemaType.STRING, pattern = "^\\+?[0-9]{1,15}$")) String number,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "500", defaultValue = "50")) String limit) {
        return queries.search(filter(from, to, accountId, direction, disposition, number),
                Cursor.decode("cursor", cursor), Params.limit("limit", limit, 50, MAX_PAGE));
    }

    @GET
    @Path("/cdrs/export")
    @Produces("text/csv")
    @Operation(operationId = "exportCdrs", summary = "Stream matching CDRs as CSV, oldest first")
    @ResponseHeader(name = "Content-Disposition", value = "attachment; filename=\"cdrs.csv\"")
    @APIResponse(responseCode = "200", description = "The matching CDRs, one CSV line each after a header line",
            headers = @Header(name = "Content-Disposition", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = "text/csv", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "accountId names another user's account")
    public Multi<String> export(
            @QueryParam("from") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time"))
            String from,
            @QueryParam("to") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time"))
            String to,
            @QueryParam("accountId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            String accountId,
            @QueryParam("direction") @Parameter(schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"internal", "inbound", "outbound"})) String direction,
            @QueryParam("disposition") @Parameter(schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"answered", "no-answer", "busy", "failed", "cancelled", "insufficient-funds"}))
            String disposition,
            @QueryParam("number") @Parameter(description = "Number prefix (caller or callee)",
                    schema = @Schema(type = SchemaType.STRING, pattern = "^\\+?[0-9]{1,15}$")) String number) {
        CdrFilter filter = filter(from, to, accountId, direction, disposition, number);
        return Multi.createFrom().item(CdrCsv.HEADER)
                .onCompletion().switchTo(queries.stream(filter).map(CdrCsv::line));
    }

    @GET
    @Path("/cdrs/{id}")
    @Operation(operationId = "getCdr", summary = "One CDR")
    @APIResponse(responseCode = "404", description = "No such CDR that you may see")
    @APIResponseSchema(value = CdrResponse.class, responseCode = "200", responseDescription = "The CDR")
    public Uni<CdrResponse> get(
            @PathParam("id") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) String id) {
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
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = "[\"" + CurrentUser.ADMIN + "\"]", parseValue = true)
    @Operation(operationId = "rerateCdr",
            summary = "Re-rate a CDR with the plan as corrected; the difference is a ledger adjustment")
    @APIResponse(responseCode = "404", description = "No such CDR")
    @APIResponse(responseCode = "422", description = "The call cannot be rated: no billing account, no plan, no plan "
            + "version at the call's time, no rate for the destination, or free for the account")
    @APIResponseSchema(value = CdrResponse.class, responseCode = "200", responseDescription = "The re-rated CDR")
    public Uni<CdrResponse> rerate(
            @PathParam("id") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) String id) {
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
