package io.ucp.presence.conversation;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.ConversationApi.ChannelPage;
import io.ucp.presence.conversation.ConversationApi.ConversationPage;
import io.ucp.presence.conversation.ConversationApi.ConversationView;
import io.ucp.presence.conversation.ConversationApi.CreateConversation;
import io.ucp.presence.conversation.ConversationApi.Invite;
import io.ucp.presence.conversation.ConversationApi.ParticipantPage;
import io.ucp.presence.conversation.ConversationApi.ParticipantView;
import io.ucp.presence.conversation.ConversationApi.UpdateConversation;
import io.ucp.presence.conversation.ConversationApi.UpdateParticipant;
import io.ucp.presence.idempotency.IdempotencyStore;
import io.ucp.presence.idempotency.IdempotencyStore.Outcome;
import io.ucp.presence.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
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

@Path("/v1/conversations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Conversations", description = "Direct, group and channel conversations and their participants")
public class ConversationResource {

    private final ConversationService conversations;
    private final IdempotencyStore idempotency;
    private final CurrentUser user;

    public ConversationResource(ConversationService conversations, IdempotencyStore idempotency, CurrentUser user) {
        this.conversations = conversations;
        this.idempotency = idempotency;
        this.user = user;
    }

    @POST
        @Operation(summary = "Create a conversation",
            description = "direct: exactly one other participant; the existing conversation of the pair is returned "
                    + "(200) instead of a second one. group/channel: the caller becomes owner.")
    public Uni<Response> create(@HeaderParam("Idempotency-Key") String key, @Valid @NotNull CreateConversation body) {
        UUID me = user.id();
        return idempotency.once(me, "create-conversation", key, body,
                () -> conversations.create(me, body).map(c -> new Outcome(c.created() ? 201 : 200, c.value())));
    }

    @GET
    @Operation(summary = "My conversations, most recently active first, with unread counts")
    public Uni<ConversationPage> list(@QueryParam("cursor") @Size(max = 300) String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(100) int limit) {
        return conversations.list(user.id(), cursor, limit);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of my conversations")
    public Uni<ConversationView> get(@PathParam("id") UUID id) {
        return conversations.get(user.id(), id);
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Rename a group or channel, or change who may post (owners and admins)")
    public Uni<ConversationView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateConversation body) {
        return conversations.update(user.id(), id, body);
    }

    @POST
    @Path("/{id}/join")
    @Operation(summary = "Join a channel")
    public Uni<Response> join(@PathParam("id") UUID id) {
        return conversations.join(user.id(), id)
                .map(c -> Response.status(c.created() ? 201 : 200).entity(c.value()).build());
    }

    @GET
    @Path("/{id}/participants")
    @Operation(summary = "Participants of one of my conversations")
    public Uni<ParticipantPage> participants(@PathParam("id") UUID id,
            @QueryParam("cursor") @Size(max = 300) String cursor,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(100) int limit) {
        return conversations.participants(user.id(), id, cursor, limit);
    }

    @POST
    @Path("/{id}/participants")
    @Operation(summary = "Add a participant to a group or channel (owners and admins)")
    public Uni<Response> invite(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key,
            @Valid @NotNull Invite body) {
        UUID me = user.id();
        return idempotency.once(me, "invite:" + id, key, body,
                () -> conversations.invite(me, id, body).map(c -> new Outcome(c.created() ? 201 : 200, c.value())));
    }

    @PATCH
    @Path("/{id}/participants/{accountId}")
    @Operation(summary = "Change a participant's role (owner) or mute the conversation for myself")
    public Uni<ParticipantView> updateParticipant(@PathParam("id") UUID id, @PathParam("accountId") UUID account,
            @Valid @NotNull UpdateParticipant body) {
        return conversations.updateParticipant(user.id(), id, account, body);
    }

    @DELETE
    @Path("/{id}/participants/{accountId}")
    @Operation(summary = "Remove a participant (owners and admins, below their role), or leave (my own id)")
    public Uni<Response> remove(@PathParam("id") UUID id, @PathParam("accountId") UUID account) {
        return conversations.remove(user.id(), id, account).map(v -> Response.noContent().build());
    }
}
