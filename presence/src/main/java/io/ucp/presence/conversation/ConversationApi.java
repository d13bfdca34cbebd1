package io.ucp.presence.conversation;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the conversations API. */
public final class ConversationApi {

    private ConversationApi() {
    }

    public record CreateConversation(
            @NotNull @Pattern(regexp = "direct|group|channel", message = "must be direct, group or channel")
            @Schema(enumeration = {"direct", "group", "channel"}) String kind,
            @Size(min = 1, max = 200) String name,
            @Size(max = 1000) List<@NotNull UUID> participantIds,
            @Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member")
            @Schema(enumeration = {"owner", "admin", "member"}) String postingRole) {
    }

    public record UpdateConversation(
            @Size(min = 1, max = 200) String name,
            @Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member")
            @Schema(enumeration = {"owner", "admin", "member"}) String postingRole) {
    }

    public record Invite(@NotNull UUID accountId,
            @Pattern(regexp = "admin|member", message = "must be admin or member")
            @Schema(enumeration = {"admin", "member"}) String role) {
    }

    public record UpdateParticipant(
            @Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member")
            @Schema(enumeration = {"owner", "admin", "member"}) String role,
            Boolean muted) {
    }

    public record ConversationView(UUID id, @Schema(enumeration = {"direct", "group", "channel"}) String kind,
            @Schema(nullable = true, description = "null for a direct conversation") String name,
            @Schema(enumeration = {"owner", "admin", "member"}, description = "The lowest role that may post")
            String postingRole,
            @Schema(enumeration = {"owner", "admin", "member"}) String myRole,
            @Schema(nullable = true, minItems = 2, maxItems = 2,
                    description = "The two accounts of a direct conversation; null otherwise") List<UUID> directPair,
            long participantCount, long lastMessageSeq,
            // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "null until the first message") OffsetDateTime lastMessageAt,
            long lastReadSeq, long unreadCount, boolean muted, OffsetDateTime createdAt) {
    }

    public record ConversationPage(List<ConversationView> items,
            @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }

    public record ParticipantView(UUID accountId, @Schema(enumeration = {"owner", "admin", "member"}) String role,
            OffsetDateTime joinedAt, long lastReadSeq,
            // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "null until the participant first marks read") OffsetDateTime lastReadAt,
            boolean muted) {
    }

    public record ParticipantPage(List<ParticipantView> items,
            @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }

    public record ChannelView(UUID id, String name,
            @Schema(enumeration = {"owner", "admin", "member"}, description = "The lowest role that may post")
            String postingRole,
            long participantCount) {
    }

    public record ChannelPage(List<ChannelView> items,
            @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }

    /** Whether a find-or-create made something new (201) or found the existing one (200). */
    public record Created<T>(T value, boolean created) {
    }
}
