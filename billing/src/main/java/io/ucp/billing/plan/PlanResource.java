package io.ucp.billing.plan;

import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.openapi.ContractFilter;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.platform.security.CurrentUser;
import io.ucp.billing.support.Params;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
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

@Path("/v1/plans")
@Tag(name = "Plans", description = "Versioned billing plans (admins only)")
@RolesAllowed(CurrentUser.ADMIN)
@Extension(name = ContractFilter.ROLES, value = "[\"" + CurrentUser.ADMIN + "\"]", parseValue = true)
@Produces(MediaType.APPLICATION_JSON)
public class PlanResource {

    private static final int MAX_PAGE = 200;

    private final PlanService plans;

    public PlanResource(PlanService plans) {
        this.plans = plans;
    }

    @POST
    @Operation(operationId = "createPlan", summary = "Create a plan (version 1); Idempotency-Key honoured")
    @APIResponse(responseCode = "201",
            description = "Plan created (or the first answer replayed for the same Idempotency-Key)",
            headers = @Header(name = "Location", description = "The new version",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PlanResponse.class)))
    @APIResponse(responseCode = "409", description = "A plan with this code exists (add a version instead)")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    public Uni<Response> create(@Valid @NotNull PlanRequest request,
            @HeaderParam("Idempotency-Key") @Size(max = 200) String idempotencyKey) {
        return plans.create(request, idempotencyKey).map(created -> Response.status(201)
                .header("Location", "/v1/plans/" + created.plan().code() + "/versions/" + created.plan().version())
                .entity(PlanResponse.of(created.plan(), PlanService.inUse(created.plan(), Instant.now()))).build());
    }

    @GET
    @Operation(operationId = "listPlans", summary = "List plans (latest version of each), by code")
    public Uni<PlanResponse.Page> list(@QueryParam("cursor") String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "200", defaultValue = "50")) String limit) {
        int size = Params.limit("limit", limit, 50, MAX_PAGE);
        String after = decode(cursor);
        return plans.latest(after, size + 1).map(found -> {
            Instant now = Instant.now();
            List<PlanResponse> items = found.stream().limit(size).map(p -> PlanResponse.of(p, PlanService.inUse(p, now)))
                    .toList();
            String next = found.size() > size ? encode(items.get(items.size() - 1).code()) : null;
            return new PlanResponse.Page(items, next);
        });
    }

    @GET
    @Path("/{code}")
    @Operation(operationId = "getPlanHistory", summary = "A plan's versions, oldest first")
    @APIResponse(responseCode = "404", description = "No such plan")
    @APIResponseSchema(value = PlanResponse.History.class, responseCode = "200",
            responseDescription = "The plan's versions")
    public Uni<PlanResponse.History> history(@PathParam("code") String code) {
        return plans.history(code).map(versions -> {
            Instant now = Instant.now();
            return new PlanResponse.History(code,
                    versions.stream().map(p -> PlanResponse.of(p, PlanService.inUse(p, now))).toList());
        });
    }

    @GET
    @Path("/{code}/versions/{version}")
    @Operation(operationId = "getPlanVersion", summary = "One plan version")
    @APIResponse(responseCode = "404", description = "No such plan version (or version is not a number)")
    @APIResponseSchema(value = PlanResponse.class, responseCode = "200", responseDescription = "The version")
    public Uni<PlanResponse> version(@PathParam("code") String code, @PathParam("version") int version) {
        return plans.version(code, version).map(p -> PlanResponse.of(p, PlanService.inUse(p, Instant.now())));
    }

    @POST
    @Path("/{code}/versions")
    @Operation(operationId = "addPlanVersion",
            summary = "Change a plan by adding a version from effectiveFrom (default now); Idempotency-Key honoured")
    @APIResponse(responseCode = "201",
            description = "Version added (or the first answer replayed for the same Idempotency-Key)",
            headers = @Header(name = "Location", description = "The new version",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PlanResponse.class)))
    @APIResponse(responseCode = "404", description = "No such plan")
    @APIResponse(responseCode = "409", description = "The version was added concurrently; read the plan and retry")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    public Uni<Response> addVersion(@PathParam("code") String code, @Valid @NotNull PlanRequest request,
            @HeaderParam("Idempotency-Key") @Size(max = 200) String idempotencyKey) {
        return plans.addVersion(code, request, idempotencyKey).map(created -> Response.status(201)
                .header("Location", "/v1/plans/" + code + "/versions/" + created.plan().version())
                .entity(PlanResponse.of(created.plan(), PlanService.inUse(created.plan(), Instant.now()))).build());
    }

    @PUT
    @Path("/{code}/versions/{version}")
    @Operation(operationId = "updateScheduledPlanVersion",
            summary = "Edit a scheduled (not yet in force) version; 409 once it is in force")
    @APIResponse(responseCode = "404", description = "No such plan version (or version is not a number)")
    @APIResponse(responseCode = "409", description = "The version is in force or has rated calls")
    @APIResponseSchema(value = PlanResponse.class, responseCode = "200", responseDescription = "The edited version")
    public Uni<PlanResponse> update(@PathParam("code") String code, @PathParam("version") int version,
            @Valid @NotNull PlanRequest request) {
        return plans.updateScheduled(code, version, request).map(p -> PlanResponse.of(p, false));
    }

    @DELETE
    @Path("/{code}/versions/{version}")
    @Operation(operationId = "withdrawScheduledPlanVersion",
            summary = "Withdraw the latest version while it is scheduled; 409 once it is in force")
    @APIResponse(responseCode = "204", description = "Version withdrawn")
    @APIResponse(responseCode = "404", description = "No such plan version (or version is not a number)")
    @APIResponse(responseCode = "409", description = "The version is in force, not the latest, or the plan's only "
            + "version while accounts use it")
    public Uni<Response> withdraw(@PathParam("code") String code, @PathParam("version") int version) {
        return plans.withdrawScheduled(code, version).replaceWith(Response.noContent().build());
    }

    private static String encode(String code) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(code.getBytes());
    }

    private static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String code = new String(java.util.Base64.getUrlDecoder().decode(cursor),
                    java.nio.charset.StandardCharsets.UTF_8);
            // A tampered cursor with NUL or control characters would fail in PostgreSQL: the client's mistake, 400.
            if (code.length() > 200 || code.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == 0xfffd)) {
                throw new IllegalArgumentException("not a plan code");
            }
            return code;
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor returned by this API");
        }
    }
}
