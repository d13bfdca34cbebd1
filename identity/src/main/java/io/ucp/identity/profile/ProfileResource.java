package io.ucp.identity.profile;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
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
    @Operation(summary = "My profile")
    public Uni<Profile> me() {
        return profiles.get(currentUser.id());
    }

    @PATCH
    @Path("me")
    @Operation(summary = "Change my display name, phone (normalised to E.164) or IANA time zone")
    public Uni<Profile> update(@Valid @NotNull ProfilePatch body) {
        return profiles.update(currentUser.id(), new ProfileService.Change(body.displayName(), body.phone(),
                body.phoneRegion(), body.timeZone()));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A user's public profile (presence only on my own: others' is presence's API, "
            + "for approved watchers)")
    public Uni<Profile> get(@PathParam("id") UUID id) {
        return profiles.get(id).map(this::asSeenByCaller);
    }

    @GET
    @Operation(summary = "Directory search by name (word prefix) or phone (prefix), cursor-paginated")
    public Uni<Page<Profile>> search(@QueryParam("q") @Size(max = 100) String query,
            @QueryParam("cursor") @Size(max = 512) String cursor, @QueryParam("limit") Integer limit) {
        return profiles.search(query, cursor, limit)
                .map(page -> new Page<>(page.items().stream().map(this::asSeenByCaller).toList(), page.nextCursor()));
    }

    private Profile asSeenByCaller(Profile profile) {
        return currentUser.mayAccess(profile.accountId()) ? profile : profile.withoutPresence();
    }
}
