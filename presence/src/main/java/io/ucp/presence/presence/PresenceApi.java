package io.ucp.presence.presence;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

public final class PresenceApi {

    private PresenceApi() {
    }

    /** The chosen state and status text; statusExpiresAt clears the text at that time. */
    public record SetPresence(
            @NotNull @Pattern(regexp = "available|away|busy|dnd|appear-offline",
                    message = "must be available, away, busy, dnd or appear-offline") String state,
            @Size(max = 200) String statusText,
            OffsetDateTime statusExpiresAt) {
    }

    /** What watchers see. */
    public record PresenceView(UUID accountId, String state, String statusText, long version,
            OffsetDateTime lastSeenAt) {
    }

    /** What the user sees of themselves: also the chosen state and the status expiry. */
    public record OwnPresence(UUID accountId, String state, String chosenState, String statusText,
            OffsetDateTime statusExpiresAt, boolean onCall, long version, OffsetDateTime lastSeenAt) {
    }

    public record PresencePage(List<PresenceView> items, String nextCursor) {
    }

    public record Heartbeat(@Size(max = 100) String deviceId, Boolean idle) {
    }
}
