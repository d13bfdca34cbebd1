package io.ucp.presence.message;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.message.MessageApi.EditMessage;
import io.ucp.presence.message.MessageApi.MarkRead;
import io.ucp.presence.message.MessageApi.MessagePage;
import io.ucp.presence.message.MessageApi.MessageView;
import io.ucp.presence.message.MessageApi.ReadState;
import io.ucp.presence.message.MessageApi.SendMessage;
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
@Tag(name = "Messages", description = "Messages, read horizons and unread counts")
public class MessageResource {

    private final MessageService messages;
    private final CurrentUser user;

    public MessageResource(MessageService messages, CurrentUser user) {
        this.messages = messages;
        this.user = user;
    }

    @POST
    @Path("/{conversationId}/messages")
    @Operation(summary = "Send a message",
            description = "clientMessageId (or the Idempotency-Key header) makes a retry return the first message "
                    + "(200) instead of sending twice.")
    public Uni<Response> send(@PathParam("conversationId") UUID conversationId,
            @HeaderParam("Idempotency-Key") @Size(max = 200) String key, @Valid @NotNull SendMessage body) {
        return messages.send(user.id(), conversationId, body, key)
                .map(sent -> Response.status(sent.created() ? 201 : 200).entity(sent.message()).build());
    }

    @GET
    @Path("/{conversationId}/messages")
    @Operation(summary = "Page through messages by seq (no cursor: newest page; olderCursor/newerCursor move)")
    public Uni<MessagePage> list(@PathParam("conversationId") UUID conversationId,
            @QueryParam("cursor") @Size(max = 100) String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(100) int limit) {
        return messages.list(user.id(), conversationId, cursor, limit);
    }

    @GET
    @Path("/{conversationId}/messages/{messageId}")
    @Operation(summary = "One message")
    public Uni<MessageView> get(@PathParam("conversationId") UUID conversationId,
            @PathParam("messageId") UUID messageId) {
        return messages.get(user.id(), conversationId, messageId);
    }

    @PATCH
    @Path("/{conversationId}/messages/{messageId}")
    @Operation(summary = "Edit my message")
    public Uni<MessageView> edit(@PathParam("conversationId") UUID conversationId,
            @PathParam("messageId") UUID messageId, @Valid @NotNull EditMessage body) {
        return messages.edit(user.id(), conversationId, messageId, body.body());
    }

    @DELETE
    @Path("/{conversationId}/messages/{messageId}")
    @Operation(summary = "Delete a message (mine; owners and admins any), leaving a tombstone")
    public Uni<Response> delete(@PathParam("conversationId") UUID conversationId,
            @PathParam("messageId") UUID messageId) {
        return messages.delete(user.id(), conversationId, messageId).map(v -> Response.noContent().build());
    }

    @POST
    @Path("/{conversationId}/read")
    @Operation(summary = "Mark read up to a seq (the horizon only moves forward); returns the unread count")
    public Uni<ReadState> markRead(@PathParam("conversationId") UUID conversationId, @Valid @NotNull MarkRead body) {
        return messages.markRead(user.id(), conversationId, body);
    }
}
