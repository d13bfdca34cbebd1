package io.ucp.billing.platform;

import io.quarkus.security.Authenticated;
import io.ucp.billing.platform.openapi.ContractFilter;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.platform.security.CurrentUser;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;

/** A test-only resource that exercises each error path of the problem+json mapping. */
@Path("/v1/test-probe")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProbeResource {

    private final CurrentUser currentUser;

    public ProbeResource(CurrentUser currentUser) {
        this.currentUser = currentUser;
    }

    public record Item(@NotBlank @Size(max = 10) String label) {
    }

    public record Body(@NotBlank @Size(max = 20) String name, @Min(1) @Max(10) int count,
            @NotNull List<@NotNull @Valid Item> items) {
    }

    @POST
    public Body echo(@Valid @NotNull Body body) {
        return body;
    }

    @GET
    @Path("items/{id}")
    @APIResponse(responseCode = "404", description = "Never an item: the probe's 404")
    public String item(@jakarta.ws.rs.PathParam("id") java.util.UUID id) {
        throw ProblemException.notFound("Item");
    }

    @GET
    @APIResponse(responseCode = "200", description = "The limit it was given", content = @Content(
            schema = @Schema(type = SchemaType.ARRAY, implementation = String.class)))
    @APIResponse(responseCode = "404", description = "limit is not a number (JAX-RS' answer to a parameter that "
            + "does not convert; the service's own list endpoints take limit as text and answer 400)")
    public List<String> page(@QueryParam("limit") @Min(1) @Max(100) int limit) {
        return List.of("limit=" + limit);
    }

    @GET
    @Path("me")
    @Produces(MediaType.TEXT_PLAIN)
    @Authenticated
    public String me() {
        return currentUser.id().toString();
    }

    @GET
    @Path("admin")
    @Produces(MediaType.TEXT_PLAIN)
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = "[\"" + CurrentUser.ADMIN + "\"]", parseValue = true)
    public String admin() {
        return "admin";
    }

    @GET
    @Path("conflict")
    @APIResponse(responseCode = "409", description = "Always: the probe's conflict")
    public String conflict() {
        throw ProblemException.conflict("The probe is in a state that forbids this");
    }

    /**
     * Answers as documented, unless asked (a header the document does not name, so the fuzz never sends it) to
     * answer a number where the document says string: ContractTest's proof that the contract validator is active.
     */
    @GET
    @Path("drift")
    @APIResponseSchema(value = Item.class, responseCode = "200", responseDescription = "An item")
    public Response drift(@HeaderParam("X-Probe-Drift") String drift) {
        return Response.ok(drift == null ? Map.of("label", "ok") : Map.of("label", 5)).build();
    }

    @GET
    @Path("crash")
    public String crash() {
        throw new IllegalStateException("secret internal detail");
    }
}
