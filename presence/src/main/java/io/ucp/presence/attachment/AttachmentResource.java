package io.ucp.presence.attachment;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.attachment.AttachmentApi.AttachmentRef;
import io.ucp.presence.attachment.AttachmentApi.Download;
import io.ucp.presence.attachment.AttachmentApi.Upload;
import io.ucp.presence.attachment.AttachmentApi.UploadRequest;
import io.ucp.presence.message.MessageApi.MessageView;
import io.ucp.presence.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/conversations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Attachments", description = "Presigned S3 upload and download of message attachments")
public class AttachmentResource {

    public record AttachmentMessage(@Size(max = 65536) String body,
            @NotEmpty @Size(max = 10) List<@Valid @NotNull AttachmentRef> attachments,
            @Size(min = 1, max = 200) String clientMessageId) {
    }

    private final AttachmentService attachments;
    private final CurrentUser user;

    public AttachmentResource(AttachmentService attachments, CurrentUser user) {
        this.attachments = attachments;
        this.user = user;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{conversationId}/attachments")
    @Operation(operationId = "createAttachmentUpload",
            summary = "Get a presigned PUT URL for one attachment (type and exact size are signed into it)")
    @APIResponseSchema(value = Upload.class, responseCode = "200", responseDescription = "Where and how to PUT it")
    @APIResponse(responseCode = "403", description = "My role may not post in this conversation")
    @APIResponse(responseCode = "404", description = "No such conversation of mine")
    public Uni<Upload> upload(@PathParam("conversationId") UUID conversationId, @Valid @NotNull UploadRequest body) {
        return attachments.upload(user.id(), conversationId, body);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{conversationId}/attachment-messages")
    @Operation(operationId = "sendAttachmentMessage",
            summary = "Send a message with uploaded attachments (objectKey from the upload step)")
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
            @HeaderParam("Idempotency-Key") @Size(max = 200) String key, @Valid @NotNull AttachmentMessage body) {
        return attachments.send(user.id(), conversationId, body.body(), body.attachments(),
                body.clientMessageId() != null ? body.clientMessageId() : key)
                .map(sent -> Response.status(sent.created() ? 201 : 200).entity(sent.message()).build());
    }

    @GET
    @Path("/{conversationId}/messages/{messageId}/attachments/{index}")
    @Operation(operationId = "getAttachmentDownload",
            summary = "A presigned GET URL for one attachment of a message (participants only)")
    @APIResponseSchema(value = Download.class, responseCode = "200", responseDescription = "Where to GET it")
    @APIResponse(responseCode = "404", description = "No such conversation of mine, message or attachment")
    public Uni<Download> download(@PathParam("conversationId") UUID conversationId,
            @PathParam("messageId") UUID messageId, @PathParam("index") @Min(0) @Max(9) int index) {
        return attachments.download(user.id(), conversationId, messageId, index);
    }
}
