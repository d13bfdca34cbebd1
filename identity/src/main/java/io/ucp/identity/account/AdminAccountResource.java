package io.ucp.identity.account;

import io.smallrye.mutiny.Uni;
import io.ucp.identity.common.Cursor;
import io.ucp.identity.common.Page;
import io.ucp.identity.platform.openapi.ContractFilter;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/admin/accounts")
@Tag(name = "Accounts (admin)")
@RolesAllowed(CurrentUser.ADMIN)
@Extension(name = ContractFilter.ROLES, value = "[\"" + CurrentUser.ADMIN + "\"]", parseValue = true)
@Produces(MediaType.APPLICATION_JSON)
public class AdminAccountResource {

    private final AccountService accounts;

    public AdminAccountResource(AccountService accounts) {
        this.accounts = accounts;
    }

    public record Roles(@NotNull @NotEmpty @Size(max = 3)
            @Schema(type = SchemaType.ARRAY, implementation = AccountView.Role.class, uniqueItems = true)
            Set<@NotNull String> roles) {
    }

    @GET
    @Operation(operationId = "listAccounts",
            summary = "List/search accounts (email fragment, status), cursor-paginated")
    public Uni<Page<AccountView>> list(@QueryParam("q") @Size(max = 254) String query,
            @QueryParam("status") @Parameter(schema = @Schema(enumeration = {"active", "suspended", "deleted"}))
            String status, @QueryParam("cursor") @Size(max = 512) String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "100", defaultValue = "20")) String limit) {
        return accounts.list(query, status, cursor, Cursor.limitParameter(limit));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getAccount", summary = "One account")
    @APIResponse(responseCode = "404", description = "No such account")
    @APIResponseSchema(value = AccountView.class, responseCode = "200", responseDescription = "The account")
    public Uni<AccountView> get(@PathParam("id") UUID id) {
        return accounts.get(id).map(AccountView::of);
    }

    @POST
    @Path("{id}/suspend")
    @Operation(operationId = "suspendAccount", summary = "Suspend: sessions end, tokens are refused everywhere")
    @APIResponse(responseCode = "404", description = "No such account")
    @APIResponse(responseCode = "409", description = "The account is not active")
    @APIResponseSchema(value = AccountView.class, responseCode = "200", responseDescription = "The suspended account")
    public Uni<AccountView> suspend(@PathParam("id") UUID id) {
        return accounts.suspend(id).map(AccountView::of);
    }

    @POST
    @Path("{id}/reactivate")
    @Operation(operationId = "reactivateAccount", summary = "Reactivate a suspended account")
    @APIResponse(responseCode = "404", description = "No such account")
    @APIResponse(responseCode = "409", description = "The account is not suspended")
    @APIResponseSchema(value = AccountView.class, responseCode = "200", responseDescription = "The active account")
    public Uni<AccountView> reactivate(@PathParam("id") UUID id) {
        return accounts.reactivate(id).map(AccountView::of);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteAccount", summary = "Delete: personal data erased, the id is kept")
    @APIResponse(responseCode = "404", description = "No such account")
    @APIResponse(responseCode = "409", description = "The account is already deleted")
    @APIResponseSchema(value = AccountView.class, responseCode = "200",
            responseDescription = "The deleted account (personal data erased)")
    public Uni<AccountView> delete(@PathParam("id") UUID id) {
        return accounts.delete(id).map(AccountView::of);
    }

    @PUT
    @Path("{id}/roles")
    @Operation(operationId = "setAccountRoles", summary = "Replace the account's roles (user, agent, admin)")
    @APIResponse(responseCode = "404", description = "No such account")
    @APIResponse(responseCode = "409", description = "The account is deleted")
    @APIResponseSchema(value = AccountView.class, responseCode = "200",
            responseDescription = "The account with its new roles")
    public Uni<AccountView> setRoles(@PathParam("id") UUID id, @Valid @NotNull Roles body) {
        return accounts.setRoles(id, body.roles()).map(AccountView::of);
    }
}
