package io.ucp.presence.message;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

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

    public record MessageView(UUID id, UUID conversationId, long seq, UUID senderAccountId, String clientMessageId,
            String body, JsonNode attachments, OffsetDateTime createdAt, OffsetDateTime editedAt,
            OffsetDateTime deletedAt, UUID deletedBy, boolean deleted) {
    }

    /**
     * Messages in ascending seq. {@code olderCursor} is null at the start of the conversation;
     * {@code newerCursor} is always there, to page forward or poll for new messages.
     */
    public record MessagePage(List<MessageView> items, String olderCursor, String newerCursor) {
    }

    public record ReadState(UUID conversationId, long lastReadSeq, OffsetDateTime lastReadAt, long unreadCount) {
    }
}
