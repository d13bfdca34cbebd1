package io.ucp.identity.flag;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.common.Idempotency;
import io.ucp.identity.common.Page;
import io.ucp.identity.platform.security.CurrentUser;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1")
@Tag(name = "Feature flags")
@Produces(MediaType.APPLICATION_JSON)
public class FeatureFlagResource {

    private final FeatureFlagService flags;
    private final CurrentUser currentUser;
    private final Idempotency idempotency;

    public FeatureFlagResource(FeatureFlagService flags, CurrentUser currentUser, Idempotency idempotency) {
        this.flags = flags;
        this.currentUser = currentUser;
        this.idempotency = idempotency;
    }

    public record NewFlag(@NotBlank @Size(max = 128) String key, @NotBlank String type, @NotNull JsonNode value,
            @Size(max = 1000) String description) {
    }

    public record DefaultChange(@NotNull JsonNode value, @Size(max = 1000) String description) {
    }

    public record OverrideValue(@NotNull JsonNode value) {
    }

    @GET
    @Path("feature-flags/me")
    @Authenticated
    @Operation(summary = "My effective flags: key → {type, value, source: default|override}")
    public Uni<Map<String, FeatureFlag.Effective>> mine() {
        return flags.effective(currentUser.id());
    }

    @POST
    @Path("admin/feature-flags")
    @RolesAllowed(CurrentUser.ADMIN)
    @Operation(summary = "Create a flag with its global default (Idempotency-Key honoured)")
    public Uni<Response> create(@Valid @NotNull NewFlag body, @HeaderParam(Idempotency.HEADER) String key) {
        return idempotency.run("flag:" + currentUser.id(), key, body, 201,
                () -> flags.create(body.key(), body.type(), body.value(), body.description()));
    }

    @GET
    @Path("admin/feature-flags")
    @RolesAllowed(CurrentUser.ADMIN)
    @Operation(summary = "Global flags by key, cursor-paginated")
    public Uni<Page<FeatureFlag>> list(@QueryParam("cursor") @Size(max = 512) String cursor,
            @QueryParam("limit") Integer limit) {
        return flags.list(cursor, limit);
    }

    @GET
    @Path("admin/feature-flags/{key}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Operation(summary = "A flag with its overrides")
    public Uni<FeatureFlag> get(@PathParam("key") String key) {
        return flags.get(key);
    }

    @PUT
    @Path("admin/feature-flags/{key}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Operation(summary = "Change a flag's default value (its type is fixed)")
    public Uni<FeatureFlag> update(@PathParam("key") String key, @Valid @NotNull DefaultChange body) {
        return flags.updateDefault(key, body.value(), body.description());
    }

    @DELETE
    @Path("admin/feature-flags/{key}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Operation(summary = "Delete a flag and its overrides")
    public Uni<Void> delete(@PathParam("key") String key) {
        return flags.delete(key);
    }

    @PUT
    @Path("admin/feature-flags/{key}/overrides/{accountId}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Operation(summary = "Set an account's override")
    public Uni<FeatureFlag> override(@PathParam("key") String key, @PathParam("accountId") UUID accountId,
            @Valid @NotNull OverrideValue body) {
        return flags.setOverride(key, accountId, body.value());
    }

    @DELETE
    @Path("admin/feature-flags/{key}/overrides/{accountId}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Operation(summary = "Remove an account's override")
    public Uni<Void> removeOverride(@PathParam("key") String key, @PathParam("accountId") UUID accountId) {
        return flags.removeOverride(key, accountId);
    }
}
