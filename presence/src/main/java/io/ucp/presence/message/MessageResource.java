package io.ucp.presence.message;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.Cursors;
import io.ucp.presence.message.MessageApi.EditMessage;
import io.ucp.presence.message.MessageApi.MarkRead;
import io.ucp.presence.message.MessageApi.MessagePage;
import io.ucp.presence.message.MessageApi.MessageView;
import io.ucp.presence.message.MessageApi.ReadState;
import io.ucp.presence.message.MessageApi.SendMessage;
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
@Tag(name = "Messages", description = "Messages, read horizons and unread counts")
public class MessageResource {

    private final MessageService messages;
    private final CurrentUser user;

    public MessageResource(MessageService messages, CurrentUser user) {
        this.messages = messages;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{conversationId}/messages")
    @Operation(operationId = "sendMessage", summary = "Send a message",
            description = "clientMessageId (or the Idempotency-Key header) makes a retry return the first message "
                    + "(200) instead of sending twice.")
    @APIResponse(responseCode = "201", description = "Message sent", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "200",
            description = "A retry: the message first sent with this clientMessageId",
            content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "403", description = "My role may not post in this conversation")
    @APIResponse(responseCode = "404", description = "No such conversation of mine")
    @APIResponse(responseCode = "422", description = "This client message id was used for a different message")
    public Uni<Response> send(@PathParam("conversationId") UUID conversationId,
            @HeaderParam("Idempotency-Key") @Size(max = 200) String key, @Valid @NotNull SendMessage body) {
        return messages.send(user.id(), conversationId, body, key)
                .map(sent -> Response.status(sent.created() ? 201 : 200).entity(sent.message()).build());
    }

    @GET
    @Path("/{conversationId}/messages")
    @Operation(operationId = "listMessages",
            summary = "Page through messages by seq (no cursor: newest page; olderCursor/newerCursor move)")
    @APIResponseSchema(value = MessagePage.class, responseCode = "200", responseDescription = "A page of messages")
    @APIResponse(responseCode = "404", description = "No such conversation of mine")
    public Uni<MessagePage> list(@PathParam("conversationId") UUID conversationId,
            @QueryParam("cursor") @Size(max = 100) String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "100", defaultValue = "50")) String limit) {
        return messages.list(user.id(), conversationId, cursor, Cursors.limitParameter(limit, 50, 100));
    }

    @GET
    @Path("/{conversationId}/messages/{messageId}")
    @Operation(operationId = "getMessage", summary = "One message")
    @APIResponseSchema(value = MessageView.class, responseCode = "200", responseDescription = "The message")
    @APIResponse(responseCode = "404", description = "No such conversation of mine, or no such message in it")
    public Uni<MessageView> get(@PathParam("conversationId") UUID conversationId,
            @PathParam("messageId") UUID messageId) {
        return messages.get(user.id(), conversationId, messageId);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{conversationId}/messages/{messageId}")
    @Operation(operationId = "editMessage", summary = "Edit my message")
    @APIResponseSchema(value = MessageView.class, responseCode = "200", responseDescription = "The edited message")
    @APIResponse(responseCode = "403", description = "Only the sender may edit a message")
    @APIResponse(responseCode = "404", description = "No such conversation of mine, or no such message in it")
    @APIResponse(responseCode = "409", description = "A deleted message cannot be edited")
    public Uni<MessageView> edit(@PathParam("conversationId") UUID conversationId,
            @PathParam("messageId") UUID messageId, @Valid @NotNull EditMessage body) {
        return messages.edit(user.id(), conversationId, messageId, body.body());
    }

    @DELETE
    @Path("/{conversationId}/messages/{messageId}")
    @Operation(operationId = "deleteMessage",
            summary = "Delete a message (mine; owners and admins any), leaving a tombstone")
    @APIResponse(responseCode = "204", description = "Deleted (a tombstone stays in its place)")
    @APIResponse(responseCode = "403", description = "Only the sender, an owner or an admin may delete a message")
    @APIResponse(responseCode = "404", description = "No such conversation of mine, or no such message in it")
    public Uni<Response> delete(@PathParam("conversationId") UUID conversationId,
            @PathParam("messageId") UUID messageId) {
        return messages.delete(user.id(), conversationId, messageId).map(v -> Response.noContent().build());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{conversationId}/read")
    @Operation(operationId = "markConversationRead",
            summary = "Mark read up to a seq (the horizon only moves forward); returns the unread count")
    @APIResponseSchema(value = ReadState.class, responseCode = "200", responseDescription = "My read state")
    @APIResponse(responseCode = "404", description = "No such conversation of mine")
    public Uni<ReadState> markRead(@PathParam("conversationId") UUID conversationId, @Valid @NotNull MarkRead body) {
        return messages.markRead(user.id(), conversationId, body);
    }
}
