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
import io.ucp.presence.idempotency.IdempotencyStore.Outcome;
import io.ucp.presence.idempotency.IdempotencyStore;
import io.ucp.presence.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/conversations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
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
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createConversation", summary = "Create a conversation",
            description = "direct: exactly one other participant; the existing conversation of the pair is returned "
                    + "(200) instead of a second one. group/channel: the caller becomes owner.")
    @APIResponse(responseCode = "201",
            description = "Conversation created (or the first answer replayed for the same Idempotency-Key)",
            content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConversationView.class)))
    @APIResponse(responseCode = "200", description = "The existing direct conversation of the pair", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConversationView.class)))
    @APIResponse(responseCode = "409", description = "A request with this Idempotency-Key is still in progress")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    public Uni<Response> create(@HeaderParam("Idempotency-Key") String key, @Valid @NotNull CreateConversation body) {
        UUID me = user.id();
        return idempotency.once(me, "create-conversation", key, body,
                () -> conversations.create(me, body).map(c -> new Outcome(c.created() ? 201 : 200, c.value())));
    }

    @GET
    @Operation(operationId = "listMyConversations",
            summary = "My conversations, most recently active first, with unread counts")
    public Uni<ConversationPage> list(@QueryParam("cursor") @Size(max = 300) String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "100", defaultValue = "50")) String limit) {
        return conversations.list(user.id(), cursor, Cursors.limitParameter(limit, 50, 100));
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getConversation", summary = "One of my conversations")
    @APIResponseSchema(value = ConversationView.class, responseCode = "200", responseDescription = "The conversation")
    @APIResponse(responseCode = "404", description = "No such conversation of mine")
    public Uni<ConversationView> get(@PathParam("id") UUID id) {
        return conversations.get(user.id(), id);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{id}")
    @Operation(operationId = "updateConversation",
            summary = "Rename a group or channel, or change who may post (owners and admins)")
    @APIResponseSchema(value = ConversationView.class, responseCode = "200",
            responseDescription = "The changed conversation")
    @APIResponse(responseCode = "403", description = "Only owners and admins may change the conversation")
    @APIResponse(responseCode = "404", description = "No such conversation of mine")
    @APIResponse(responseCode = "422", description = "A direct conversation has no name or posting rules")
    public Uni<ConversationView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateConversation body) {
        return conversations.update(user.id(), id, body);
    }

    @POST
    @Path("/{id}/join")
    @Operation(operationId = "joinChannel", summary = "Join a channel")
    @APIResponse(responseCode = "201", description = "Joined", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConversationView.class)))
    @APIResponse(responseCode = "200", description = "Already a participant", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConversationView.class)))
    @APIResponse(responseCode = "404", description = "No such channel")
    public Uni<Response> join(@PathParam("id") UUID id) {
        return conversations.join(user.id(), id)
                .map(c -> Response.status(c.created() ? 201 : 200).entity(c.value()).build());
    }

    @GET
    @Path("/{id}/participants")
    @Operation(operationId = "listParticipants", summary = "Participants of one of my conversations")
    @APIResponseSchema(value = ParticipantPage.class, responseCode = "200", responseDescription = "A page of them")
    @APIResponse(responseCode = "404", description = "No such conversation of mine")
    public Uni<ParticipantPage> participants(@PathParam("id") UUID id,
            @QueryParam("cursor") @Size(max = 300) String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "100", defaultValue = "100")) String limit) {
        return conversations.participants(user.id(), id, cursor, Cursors.limitParameter(limit, 100, 100));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{id}/participants")
    @Operation(operationId = "addParticipant", summary = "Add a participant to a group or channel (owners and admins)")
    @APIResponse(responseCode = "201",
            description = "Participant added (or the first answer replayed for the same Idempotency-Key)",
            content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ParticipantView.class)))
    @APIResponse(responseCode = "200", description = "Already a participant", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ParticipantView.class)))
    @APIResponse(responseCode = "403", description = "Only owners and admins add participants, only owners add admins")
    @APIResponse(responseCode = "404", description = "No such conversation of mine")
    @APIResponse(responseCode = "409", description = "A request with this Idempotency-Key is still in progress")
    @APIResponse(responseCode = "422", description = "A direct conversation has exactly two participants, the "
            + "participant cap is reached, or this Idempotency-Key was used with a different request")
    public Uni<Response> invite(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key,
            @Valid @NotNull Invite body) {
        UUID me = user.id();
        return idempotency.once(me, "invite:" + id, key, body,
                () -> conversations.invite(me, id, body).map(c -> new Outcome(c.created() ? 201 : 200, c.value())));
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{id}/participants/{accountId}")
    @Operation(operationId = "updateParticipant",
            summary = "Change a participant's role (owner) or mute the conversation for myself")
    @APIResponseSchema(value = ParticipantView.class, responseCode = "200", responseDescription = "The participant")
    @APIResponse(responseCode = "403", description = "Only an owner changes roles; only the participant mutes")
    @APIResponse(responseCode = "404", description = "No such conversation of mine, or no such participant")
    @APIResponse(responseCode = "422", description = "A direct conversation has no roles")
    public Uni<ParticipantView> updateParticipant(@PathParam("id") UUID id, @PathParam("accountId") UUID account,
            @Valid @NotNull UpdateParticipant body) {
        return conversations.updateParticipant(user.id(), id, account, body);
    }

    @DELETE
    @Path("/{id}/participants/{accountId}")
    @Operation(operationId = "removeParticipant",
            summary = "Remove a participant (owners and admins, below their role), or leave (my own id)")
    @APIResponse(responseCode = "204", description = "Removed, or left")
    @APIResponse(responseCode = "403", description = "You may remove only participants below your role")
    @APIResponse(responseCode = "404", description = "No such conversation of mine, or no such participant")
    @APIResponse(responseCode = "422", description = "Nobody leaves a direct conversation")
    public Uni<Response> remove(@PathParam("id") UUID id, @PathParam("accountId") UUID account) {
        return conversations.remove(user.id(), id, account).map(v -> Response.noContent().build());
    }
}
