package io.ucp.identity.account;

import io.smallrye.mutiny.Uni;
import io.ucp.identity.common.Page;
import io.ucp.identity.platform.security.CurrentUser;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/admin/accounts")
@Tag(name = "Accounts (admin)")
@RolesAllowed(CurrentUser.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AdminAccountResource {

    private final AccountService accounts;

    public AdminAccountResource(AccountService accounts) {
        this.accounts = accounts;
    }

    public record Roles(@NotNull @NotEmpty @Size(max = 3) Set<@NotNull String> roles) {
    }

    @GET
    @Operation(summary = "List/search accounts (email fragment, status), cursor-paginated")
    public Uni<Page<AccountView>> list(@QueryParam("q") @Size(max = 254) String query,
            @QueryParam("status") String status, @QueryParam("cursor") @Size(max = 512) String cursor,
            @QueryParam("limit") Integer limit) {
        return accounts.list(query, status, cursor, limit);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One account")
    public Uni<AccountView> get(@PathParam("id") UUID id) {
        return accounts.get(id).map(AccountView::of);
    }

    @POST
    @Path("{id}/suspend")
    @Operation(summary = "Suspend: sessions end, tokens are refused everywhere")
    public Uni<AccountView> suspend(@PathParam("id") UUID id) {
        return accounts.suspend(id).map(AccountView::of);
    }

    @POST
    @Path("{id}/reactivate")
    @Operation(summary = "Reactivate a suspended account")
    public Uni<AccountView> reactivate(@PathParam("id") UUID id) {
        return accounts.reactivate(id).map(AccountView::of);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete: personal data erased, the id is kept")
    public Uni<AccountView> delete(@PathParam("id") UUID id) {
        return accounts.delete(id).map(AccountView::of);
    }

    @PUT
    @Path("{id}/roles")
    @Operation(summary = "Replace the account's roles (user, agent, admin)")
    public Uni<AccountView> setRoles(@PathParam("id") UUID id, @Valid @NotNull Roles body) {
        return accounts.setRoles(id, body.roles()).map(AccountView::of);
    }
}
