package io.ucp.presence.message;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the messages API. */
public final class MessageApi {

    private MessageApi() {
    }

    /** {@code body} is capped by configuration (ucp.messaging.max-body-chars); the 64 KiB bound is the backstop. */
    public record SendMessage(@Size(max = 65536) String body,
            @Size(min = 1, max = 200) String clientMessageId) {
    }

    public record EditMessage(@NotNull @Size(max = 65536) String body) {
    }

    public record MarkRead(@NotNull @Min(0) Long seq) {
    }

    public record MessageView(UUID id, UUID conversationId, long seq, UUID senderAccountId,
            @Schema(nullable = true) String clientMessageId,
            @Schema(nullable = true, description = "null for a tombstone or a message of attachments only")
            String body,
            @Schema(type = SchemaType.ARRAY, implementation = StoredAttachment.class,
                    description = "The message's attachments (empty if none); download one by its index")
            JsonNode attachments,
            OffsetDateTime createdAt,
            // Spelled out rather than references: OpenAPI 3.0 cannot make a $ref nullable.
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "null unless edited") OffsetDateTime editedAt,
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "null unless deleted") OffsetDateTime deletedAt,
            @Schema(implementation = String.class, format = "uuid", nullable = true,
                    description = "Who deleted it; null unless deleted") UUID deletedBy,
            boolean deleted) {
    }

    /** One item of a message's {@code attachments}, as stored (the document's only snake_case names). */
    public record StoredAttachment(@JsonProperty("object_key") String objectKey,
            @JsonProperty("content_type") String contentType, long size, String name) {
    }

    /**
     * Messages in ascending seq. {@code olderCursor} is null at the start of the conversation;
     * {@code newerCursor} is always there, to page forward or poll for new messages.
     */
    public record MessagePage(List<MessageView> items,
            @Schema(nullable = true, description = "null at the start of the conversation") String olderCursor,
            String newerCursor) {
    }

    public record ReadState(UUID conversationId, long lastReadSeq,
            // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "null until I first mark read") OffsetDateTime lastReadAt,
            long unreadCount) {
    }
}
