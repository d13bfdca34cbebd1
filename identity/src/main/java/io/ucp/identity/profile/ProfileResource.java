package io.ucp.identity.profile;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.common.Cursor;
import io.ucp.identity.common.Page;
import io.ucp.identity.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/profiles")
@Tag(name = "Profiles")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ProfileResource {

    private final ProfileService profiles;
    private final CurrentUser currentUser;

    public ProfileResource(ProfileService profiles, CurrentUser currentUser) {
        this.profiles = profiles;
        this.currentUser = currentUser;
    }

    /** Fields left out stay as they are; {@code "phone": ""} removes the number. */
    public record ProfilePatch(@Size(min = 1, max = 200) String displayName, @Size(max = 40) String phone,
            @Size(max = 2) String phoneRegion, @Size(max = 64) String timeZone) {
    }

    @GET
    @Path("me")
    @Operation(operationId = "getMyProfile", summary = "My profile")
    @APIResponse(responseCode = "404", description = "The token names no account")
    @APIResponseSchema(value = Profile.class, responseCode = "200",
            responseDescription = "My profile, with my presence")
    public Uni<Profile> me() {
        return profiles.get(currentUser.id());
    }

    @PATCH
    @Path("me")
    @Operation(operationId = "updateMyProfile",
            summary = "Change my display name, phone (normalised to E.164) or IANA time zone")
    @APIResponse(responseCode = "404", description = "The token names no account")
    @APIResponseSchema(value = Profile.class, responseCode = "200", responseDescription = "My changed profile")
    public Uni<Profile> update(@Valid @NotNull ProfilePatch body) {
        return profiles.update(currentUser.id(), new ProfileService.Change(body.displayName(), body.phone(),
                body.phoneRegion(), body.timeZone()));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getProfile",
            summary = "A user's public profile (presence only on my own: others' is presence's API, "
                + "for approved watchers)")
    @APIResponse(responseCode = "404", description = "No such profile")
    @APIResponseSchema(value = Profile.class, responseCode = "200",
            responseDescription = "The profile (with presence only when it is mine)")
    public Uni<Profile> get(@PathParam("id") UUID id) {
        return profiles.get(id).map(this::asSeenByCaller);
    }

    @GET
    @Operation(operationId = "searchProfiles",
            summary = "Directory search by name (word prefix) or phone (prefix), cursor-paginated")
    public Uni<Page<Profile>> search(@QueryParam("q") @Size(max = 100) String query,
            @QueryParam("cursor") @Size(max = 512) String cursor, 
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "100", defaultValue = "20")) String limit) {
        return profiles.search(query, cursor, Cursor.limitParameter(limit))
                .map(page -> new Page<>(page.items().stream().map(this::asSeenByCaller).toList(), page.nextCursor()));
    }

    private Profile asSeenByCaller(Profile profile) {
        return currentUser.mayAccess(profile.accountId()) ? profile : profile.withoutPresence();
    }
}
