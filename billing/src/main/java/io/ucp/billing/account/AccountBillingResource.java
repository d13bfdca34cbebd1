package io.ucp.billing.account;

import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.openapi.ContractFilter;
import io.ucp.billing.platform.problem.ProblemException;
import io.ucp.billing.platform.security.CurrentUser;
import io.ucp.billing.support.Cursor;
import io.ucp.billing.support.Params;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/accounts/{accountId}")
@Tag(name = "Account billing", description = "Balance, plan, ledger; top-ups and adjustments by admins")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AccountBillingResource {

    private static final int MAX_PAGE = 500;
    /** The API document's record of the @RolesAllowed below (ContractFilter.ROLES). */
    private static final String ADMIN_ONLY = "[\"" + CurrentUser.ADMIN + "\"]";

    private final AccountBillingService accounts;
    private final CurrentUser user;

    public AccountBillingResource(AccountBillingService accounts, CurrentUser user) {
        this.accounts = accounts;
        this.user = user;
    }

    @GET
    @Path("/billing")
    @Operation(operationId = "getAccountBilling",
            summary = "The account's plan, mode, balance and limits (own account, or any for admins)")
    @APIResponse(responseCode = "404", description = "No billing account with this id that you may see")
    @APIResponseSchema(value = AccountResponses.Billing.class, responseCode = "200",
            responseDescription = "The billing account")
    public Uni<AccountResponses.Billing> get(
            @PathParam("accountId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            String accountId) {
        return accounts.get(owned(accountId));
    }

    @PATCH
    @Path("/billing")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "updateAccountBilling",
            summary = "Assign a plan, switch prepaid/postpaid, set credit limit and low-balance threshold")
    @APIResponse(responseCode = "404", description = "No billing account with this id")
    @APIResponseSchema(value = AccountResponses.Billing.class, responseCode = "200",
            responseDescription = "The changed billing account")
    public Uni<AccountResponses.Billing> update(
            @PathParam("accountId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            String accountId,
            @Valid @NotNull AccountRequests.Settings settings) {
        return accounts.updateSettings(Params.uuid("accountId", accountId), settings);
    }

    @POST
    @Path("/top-ups")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "topUpAccount",
            summary = "Credit a balance; emits balance.topped-up; Idempotency-Key honoured")
    @APIResponseSchema(value = AccountResponses.Posted.class, responseCode = "201",
            responseDescription = "Top-up posted (or the first answer replayed for the same Idempotency-Key)")
    @APIResponse(responseCode = "404", description = "No billing account with this id")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    public Uni<Response> topUp(
            @PathParam("accountId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            String accountId, @Valid @NotNull AccountRequests.TopUp body,
            @HeaderParam("Idempotency-Key") @Size(max = 200) String idempotencyKey) {
        return accounts.post(Params.uuid("accountId", accountId), "top-up", body.amount(), null, body.reference(),
                user.id(), idempotencyKey).map(posted -> Response.status(201).entity(posted).build());
    }

    @POST
    @Path("/adjustments")
    @RolesAllowed(CurrentUser.ADMIN)
    @Extension(name = ContractFilter.ROLES, value = ADMIN_ONLY, parseValue = true)
    @Operation(operationId = "adjustAccount",
            summary = "Post a signed adjustment or a refund; Idempotency-Key honoured")
    @APIResponseSchema(value = AccountResponses.Posted.class, responseCode = "201",
            responseDescription = "Adjustment or refund posted (or the first answer replayed for the same "
                + "Idempotency-Key)")
    @APIResponse(responseCode = "404", description = "No billing account with this id")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    public Uni<Response> adjust(
            @PathParam("accountId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            String accountId,
            @Valid @NotNull AccountRequests.Adjustment body,
            @HeaderParam("Idempotency-Key") @Size(max = 200) String idempotencyKey) {
        return accounts.post(Params.uuid("accountId", accountId), body.type(), body.amount(), body.reason(),
                body.reference(), user.id(), idempotencyKey).map(posted -> Response.status(201).entity(posted).build());
    }

    @GET
    @Path("/ledger")
    @Operation(operationId = "getAccountLedger",
            summary = "The immutable ledger (charges, adjustments, top-ups, refunds), oldest first; sums to the "
                + "balance")
    @APIResponse(responseCode = "404", description = "No billing account with this id that you may see")
    @APIResponseSchema(value = AccountResponses.LedgerPage.class, responseCode = "200",
            responseDescription = "One page of the ledger")
    public Uni<AccountResponses.LedgerPage> ledger(
            @PathParam("accountId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            String accountId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "500", defaultValue = "100")) String limit) {
        return accounts.ledger(owned(accountId), Cursor.decode("cursor", cursor),
                Params.limit("limit", limit, 100, MAX_PAGE));
    }

    /** The account id if the caller may see it; another user's account is indistinguishable from a missing one. */
    private UUID owned(String accountId) {
        UUID id;
        try {
            id = UUID.fromString(accountId);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("Billing account " + accountId);
        }
        if (!user.mayAccess(id)) {
            throw ProblemException.notFound("Billing account " + accountId);
        }
        return id;
    }
}
