package io.ucp.presence.conversation;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Request and response bodies of the conversations API. */
public final class ConversationApi {

    private ConversationApi() {
    }

    public record CreateConversation(
            @NotNull @Pattern(regexp = "direct|group|channel", message = "must be direct, group or channel") String kind,
            @Size(min = 1, max = 200) String name,
            @Size(max = 1000) List<@NotNull UUID> participantIds,
            @Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member") String postingRole) {
    }

    public record UpdateConversation(
            @Size(min = 1, max = 200) String name,
            @Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member") String postingRole) {
    }

    public record Invite(@NotNull UUID accountId,
            @Pattern(regexp = "admin|member", message = "must be admin or member") String role) {
    }

    public record UpdateParticipant(
            @Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member") String role,
            Boolean muted) {
    }

    public record ConversationView(UUID id, String kind, String name, String postingRole, String myRole,
            List<UUID> directPair, long participantCount, long lastMessageSeq, OffsetDateTime lastMessageAt,
            long lastReadSeq, long unreadCount, boolean muted, OffsetDateTime createdAt) {
    }

    public record ConversationPage(List<ConversationView> items, String nextCursor) {
    }

    public record ParticipantView(UUID accountId, String role, OffsetDateTime joinedAt, long lastReadSeq,
            OffsetDateTime lastReadAt, boolean muted) {
    }

    public record ParticipantPage(List<ParticipantView> items, String nextCursor) {
    }

    public record ChannelView(UUID id, String name, String postingRole, long participantCount) {
    }

    public record ChannelPage(List<ChannelView> items, String nextCursor) {
    }

    /** Whether a find-or-create made something new (201) or found the existing one (200). */
    public record Created<T>(T value, boolean created) {
    }
}
