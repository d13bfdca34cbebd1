package io.ucp.billing.platform;

import io.quarkus.security.Authenticated;
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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

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
            @NotNull List<@Valid Item> items) {
    }

    @POST
    public Body echo(@Valid @NotNull Body body) {
        return body;
    }

    @GET
    @Path("items/{id}")
    public String item(@jakarta.ws.rs.PathParam("id") java.util.UUID id) {
        throw ProblemException.notFound("Item");
    }

    @GET
    public List<String> page(@QueryParam("limit") @Min(1) @Max(100) int limit) {
        return List.of("limit=" + limit);
    }

    @GET
    @Path("me")
    @Authenticated
    public String me() {
        return currentUser.id().toString();
    }

    @GET
    @Path("admin")
    @RolesAllowed(CurrentUser.ADMIN)
    public String admin() {
        return "admin";
    }

    @GET
    @Path("conflict")
    public String conflict() {
        throw ProblemException.conflict("The probe is in a state that forbids this");
    }

    @GET
    @Path("crash")
    public String crash() {
        throw new IllegalStateException("secret internal detail");
    }
}
