package io.ucp.presence.presence;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public final class PresenceApi {

    private PresenceApi() {
    }

    /** The chosen state and status text; statusExpiresAt clears the text at that time. */
    public record SetPresence(
            @NotNull @Pattern(regexp = "available|away|busy|dnd|appear-offline",
                    message = "must be available, away, busy, dnd or appear-offline")
            @Schema(enumeration = {"available", "away", "busy", "dnd", "appear-offline"}) String state,
            @Size(max = 200) String statusText,
            // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "When the status text clears; null keeps it") OffsetDateTime statusExpiresAt) {
    }

    /** What watchers see. */
    public record PresenceView(UUID accountId,
            @Schema(enumeration = {"available", "away", "busy", "dnd", "on-call", "offline"}) String state,
            @Schema(nullable = true) String statusText, long version,
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "null until the account is first seen online") OffsetDateTime lastSeenAt) {
    }

    /** What the user sees of themselves: also the chosen state and the status expiry. */
    public record OwnPresence(UUID accountId,
            @Schema(enumeration = {"available", "away", "busy", "dnd", "on-call", "offline"}) String state,
            @Schema(enumeration = {"available", "away", "busy", "dnd", "appear-offline"}) String chosenState,
            @Schema(nullable = true) String statusText,
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "When the status text clears; null if it does not") OffsetDateTime statusExpiresAt,
            boolean onCall, long version,
            @Schema(implementation = String.class, format = "date-time", nullable = true,
                    description = "null until I am first seen online") OffsetDateTime lastSeenAt) {
    }

    public record PresencePage(List<PresenceView> items,
            @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }

    public record Heartbeat(@Size(max = 100) String deviceId, Boolean idle) {
    }
}
