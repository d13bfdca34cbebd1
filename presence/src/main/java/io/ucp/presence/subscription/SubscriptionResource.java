package io.ucp.presence.subscription;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.Cursors;
import io.ucp.presence.platform.security.CurrentUser;
import io.ucp.presence.subscription.SubscriptionApi.Block;
import io.ucp.presence.subscription.SubscriptionApi.RequestSubscription;
import io.ucp.presence.subscription.SubscriptionApi.SubscriptionPage;
import io.ucp.presence.subscription.SubscriptionApi.SubscriptionView;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/presence")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Presence subscriptions", description = "Who may see whose presence (request, approve, deny, cancel, block)")
public class SubscriptionResource {

    private final SubscriptionService subscriptions;
    private final CurrentUser user;

    public SubscriptionResource(SubscriptionService subscriptions, CurrentUser user) {
        this.subscriptions = subscriptions;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/subscriptions")
    @Operation(operationId = "requestSubscription",
            summary = "Ask to see someone's presence (201 new request, 200 already pending/approved, 403 blocked)")
    @APIResponse(responseCode = "201", description = "A new request", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SubscriptionView.class)))
    @APIResponse(responseCode = "200", description = "The request was already pending or approved", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SubscriptionView.class)))
    @APIResponse(responseCode = "403", description = "The account blocked me")
    @APIResponse(responseCode = "409", description = "A concurrent request exists; retry")
    public Uni<Response> request(@Valid @NotNull RequestSubscription body) {
        return subscriptions.request(user.id(), body.targetAccountId())
                .map(c -> Response.status(c.created() ? 201 : 200).entity(c.value()).build());
    }

    @GET
    @Path("/subscriptions")
    @Operation(operationId = "listSubscriptions",
            summary = "My subscriptions: outgoing (whom I watch) or incoming (who asks to watch me)")
    public Uni<SubscriptionPage> list(
            @QueryParam("direction") @DefaultValue("outgoing") @Pattern(regexp = "outgoing|incoming")
            @Parameter(schema = @Schema(enumeration = {"outgoing", "incoming"}, defaultValue = "outgoing"))
            String direction,
            @QueryParam("state") @Pattern(regexp = "pending|approved|denied|cancelled|blocked")
            @Parameter(schema = @Schema(enumeration = {"pending", "approved", "denied", "cancelled", "blocked"}))
            String state,
            @QueryParam("cursor") @Size(max = 100) String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "100", defaultValue = "50")) String limit) {
        return subscriptions.list(user.id(), "incoming".equals(direction), state, cursor,
                Cursors.limitParameter(limit, 50, 100));
    }

    @POST
    @Path("/subscriptions/{id}/approve")
    @Operation(operationId = "approveSubscription", summary = "Approve a request to watch me (also lifts a block)")
    @APIResponseSchema(value = SubscriptionView.class, responseCode = "200",
            responseDescription = "The approved subscription")
    @APIResponse(responseCode = "403", description = "Only the watched account decides")
    @APIResponse(responseCode = "404", description = "No such subscription of mine")
    @APIResponse(responseCode = "409", description = "The subscription's state does not allow this")
    public Uni<SubscriptionView> approve(@PathParam("id") UUID id) {
        return subscriptions.decide(user.id(), id, SubscriptionService.Action.APPROVE);
    }

    @POST
    @Path("/subscriptions/{id}/deny")
    @Operation(operationId = "denySubscription", summary = "Deny a request, or withdraw an approval")
    @APIResponseSchema(value = SubscriptionView.class, responseCode = "200",
            responseDescription = "The denied subscription")
    @APIResponse(responseCode = "403", description = "Only the watched account decides")
    @APIResponse(responseCode = "404", description = "No such subscription of mine")
    @APIResponse(responseCode = "409", description = "The subscription's state does not allow this")
    public Uni<SubscriptionView> deny(@PathParam("id") UUID id) {
        return subscriptions.decide(user.id(), id, SubscriptionService.Action.DENY);
    }

    @POST
    @Path("/subscriptions/{id}/block")
    @Operation(operationId = "blockSubscription", summary = "Block the watcher: it sees nothing and cannot ask again")
    @APIResponseSchema(value = SubscriptionView.class, responseCode = "200",
            responseDescription = "The blocked subscription")
    @APIResponse(responseCode = "403", description = "Only the watched account decides")
    @APIResponse(responseCode = "404", description = "No such subscription of mine")
    @APIResponse(responseCode = "409", description = "The subscription's state does not allow this")
    public Uni<SubscriptionView> block(@PathParam("id") UUID id) {
        return subscriptions.decide(user.id(), id, SubscriptionService.Action.BLOCK);
    }

    @POST
    @Path("/subscriptions/{id}/cancel")
    @Operation(operationId = "cancelSubscription", summary = "Withdraw my request or stop watching")
    @APIResponseSchema(value = SubscriptionView.class, responseCode = "200",
            responseDescription = "The cancelled subscription")
    @APIResponse(responseCode = "403", description = "Only the watcher may cancel")
    @APIResponse(responseCode = "404", description = "No such subscription of mine")
    @APIResponse(responseCode = "409", description = "The subscription's state does not allow this")
    public Uni<SubscriptionView> cancel(@PathParam("id") UUID id) {
        return subscriptions.decide(user.id(), id, SubscriptionService.Action.CANCEL);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/blocks")
    @Operation(operationId = "blockAccount", summary = "Block an account from watching me, whether or not it asked")
    @APIResponseSchema(value = SubscriptionView.class, responseCode = "200", responseDescription = "The block")
    public Uni<SubscriptionView> blockAccount(@Valid @NotNull Block body) {
        return subscriptions.block(user.id(), body.accountId());
    }
}
