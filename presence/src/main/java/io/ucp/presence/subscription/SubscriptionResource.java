package io.ucp.presence.subscription;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.subscription.SubscriptionApi.Block;
import io.ucp.presence.subscription.SubscriptionApi.RequestSubscription;
import io.ucp.presence.subscription.SubscriptionApi.SubscriptionPage;
import io.ucp.presence.subscription.SubscriptionApi.SubscriptionView;
import io.ucp.presence.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/presence")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Presence subscriptions", description = "Who may see whose presence (request, approve, deny, cancel, block)")
public class SubscriptionResource {

    private final SubscriptionService subscriptions;
    private final CurrentUser user;

    public SubscriptionResource(SubscriptionService subscriptions, CurrentUser user) {
        this.subscriptions = subscriptions;
        this.user = user;
    }

    @POST
    @Path("/subscriptions")
    @Operation(summary = "Ask to see someone's presence (201 new request, 200 already pending/approved, 403 blocked)")
    public Uni<Response> request(@Valid @NotNull RequestSubscription body) {
        return subscriptions.request(user.id(), body.targetAccountId())
                .map(c -> Response.status(c.created() ? 201 : 200).entity(c.value()).build());
    }

    @GET
    @Path("/subscriptions")
    @Operation(summary = "My subscriptions: outgoing (whom I watch) or incoming (who asks to watch me)")
    public Uni<SubscriptionPage> list(
            @QueryParam("direction") @DefaultValue("outgoing") @Pattern(regexp = "outgoing|incoming") String direction,
            @QueryParam("state") @Pattern(regexp = "pending|approved|denied|cancelled|blocked") String state,
            @QueryParam("cursor") @Size(max = 100) String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(100) int limit) {
        return subscriptions.list(user.id(), "incoming".equals(direction), state, cursor, limit);
    }

    @POST
    @Path("/subscriptions/{id}/approve")
    @Operation(summary = "Approve a request to watch me (also lifts a block)")
    public Uni<SubscriptionView> approve(@PathParam("id") UUID id) {
        return subscriptions.decide(user.id(), id, SubscriptionService.Action.APPROVE);
    }

    @POST
    @Path("/subscriptions/{id}/deny")
    @Operation(summary = "Deny a request, or withdraw an approval")
    public Uni<SubscriptionView> deny(@PathParam("id") UUID id) {
        return subscriptions.decide(user.id(), id, SubscriptionService.Action.DENY);
    }

    @POST
    @Path("/subscriptions/{id}/block")
    @Operation(summary = "Block the watcher: it sees nothing and cannot ask again")
    public Uni<SubscriptionView> block(@PathParam("id") UUID id) {
        return subscriptions.decide(user.id(), id, SubscriptionService.Action.BLOCK);
    }

    @POST
    @Path("/subscriptions/{id}/cancel")
    @Operation(summary = "Withdraw my request or stop watching")
    public Uni<SubscriptionView> cancel(@PathParam("id") UUID id) {
        return subscriptions.decide(user.id(), id, SubscriptionService.Action.CANCEL);
    }

    @POST
    @Path("/blocks")
    @Operation(summary = "Block an account from watching me, whether or not it asked")
    public Uni<SubscriptionView> blockAccount(@Valid @NotNull Block body) {
        return subscriptions.block(user.id(), body.accountId());
    }
}
