package io.ucp.identity.flag;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.common.Cursor;
import io.ucp.identity.common.Idempotency;
import io.ucp.identity.common.Page;
import io.ucp.identity.platform.openapi.ContractFilter;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1")
@Tag(name = "Feature flags")
@Produces(MediaType.APPLICATION_JSON)
public class FeatureFlagResource {

    /** The API document's record of the @RolesAllowed below (ContractFilter.ROLES). */
    private static final String ADMIN_ONLY = "[\"" + CurrentUser.ADMIN + "\"]";

    private final FeatureFlagService flags;
    private final CurrentUser currentUser;
    private final Idempotency idempotency;

    public FeatureFlagResource(FeatureFlagService flags, CurrentUser currentUser, Idempotency idempotency) {
        this.flags = flags;
        this.currentUser = currentUser;
        this.idempotency = idempotency;
    }

    public record NewFlag(@NotBlank @Size(max = 128) String key,
            @NotBlank @Schema(enumeration = {"bool", "number", "string", "json"}) String type,
            @NotNull @Schema(ref = FeatureFlag.FLAG_VALUE) JsonNode value, @Size(max = 1000) String description) {
    }

    public record DefaultChange(@NotNull @Schema(ref = FeatureFlag.FLAG_VALUE) JsonNode value,
            @Size(max = 1000) String description) {
    }

    public record OverrideValue(@NotNull @Schema(ref = FeatureFlag.FLAG_VALUE) JsonNode value) {
    }

    @GET
    @Path("feature-flags/me")
    @Authenticated
    @Operation(operationId = "getMyFeatureFlags",
            summary = "My effective flags: key → {type, value, source: default|override}")
    public Uni<Map<String, FeatureFlag.Effective>> mine() {
        return flags.effective(currentUser.id());
    }

    @POST
    @Path("admin/feature-flags")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "createFeatureFlag",
            summary = "Create a flag with its global default (Idempotency-Key honoured)")
    @APIResponseSchema(value = FeatureFlag.class, responseCode = "201",
            responseDescription = "Flag created (or the first answer replayed for the same Idempotency-Key)")
    @APIResponse(responseCode = "409", description = "A flag with this key exists, or a request with this "
            + "Idempotency-Key is still being processed")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    public Uni<Response> create(@Valid @NotNull NewFlag body, @HeaderParam(Idempotency.HEADER) String key) {
        return idempotency.run("flag:" + currentUser.id(), key, body, 201,
                () -> flags.create(body.key(), body.type(), body.value(), body.description()));
    }

    @GET
    @Path("admin/feature-flags")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "listFeatureFlags", summary = "Global flags by key, cursor-paginated")
    public Uni<Page<FeatureFlag>> list(@QueryParam("cursor") @Size(max = 512) String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "100", defaultValue = "20")) String limit) {
        return flags.list(cursor, Cursor.limitParameter(limit));
    }

    @GET
    @Path("admin/feature-flags/{key}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "getFeatureFlag", summary = "A flag with its overrides")
    @APIResponse(responseCode = "404", description = "No such flag")
    @APIResponseSchema(value = FeatureFlag.class, responseCode = "200",
            responseDescription = "The flag with its overrides")
    public Uni<FeatureFlag> get(@PathParam("key") String key) {
        return flags.get(key);
    }

    @PUT
    @Path("admin/feature-flags/{key}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "updateFeatureFlagDefault", summary = "Change a flag's default value (its type is fixed)")
    @APIResponse(responseCode = "404", description = "No such flag")
    @APIResponseSchema(value = FeatureFlag.class, responseCode = "200", responseDescription = "The changed flag")
    public Uni<FeatureFlag> update(@PathParam("key") String key, @Valid @NotNull DefaultChange body) {
        return flags.updateDefault(key, body.value(), body.description());
    }

    @DELETE
    @Path("admin/feature-flags/{key}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "deleteFeatureFlag", summary = "Delete a flag and its overrides")
    @APIResponse(responseCode = "204", description = "Flag and its overrides deleted")
    @APIResponse(responseCode = "404", description = "No such flag")
    public Uni<Void> delete(@PathParam("key") String key) {
        return flags.delete(key);
    }

    @PUT
    @Path("admin/feature-flags/{key}/overrides/{accountId}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "setFeatureFlagOverride", summary = "Set an account's override")
    @APIResponse(responseCode = "404", description = "No such flag or account")
    @APIResponseSchema(value = FeatureFlag.class, responseCode = "200",
            responseDescription = "The flag with its overrides")
    public Uni<FeatureFlag> override(@PathParam("key") String key, @PathParam("accountId") UUID accountId,
            @Valid @NotNull OverrideValue body) {
        return flags.setOverride(key, accountId, body.value());
    }

    @DELETE
    @Path("admin/feature-flags/{key}/overrides/{accountId}")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "removeFeatureFlagOverride", summary = "Remove an account's override")
    @APIResponse(responseCode = "204", description = "Override removed")
    @APIResponse(responseCode = "404", description = "No such flag or override")
    public Uni<Void> removeOverride(@PathParam("key") String key, @PathParam("accountId") UUID accountId) {
        return flags.removeOverride(key, accountId);
    }
}
