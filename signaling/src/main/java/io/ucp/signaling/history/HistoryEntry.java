package io.ucp.signaling.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One finished call as one of its parties sees it. */
@RegisterForReflection
public record HistoryEntry(UUID callId,
        @Schema(enumeration = { "outgoing", "incoming" }, description = "From my point of view") String direction,
        @Schema(description = "Both ends were accounts of the platform (no outside number)") boolean internal,
        @Schema(enumeration = { "caller", "callee", "agent", "transfer-target" }) String role,
        @Schema(enumeration = { "answered", "missed", "rejected", "busy", "cancelled", "failed", "no-answer",
                "answered-elsewhere" }, description = "My outcome") String outcome,
        Peer peer, @Schema(nullable = true) UUID queueId, OffsetDateTime startedAt,
        @Schema(nullable = true, description = "When I (caller: anybody) answered") OffsetDateTime answeredAt,
        OffsetDateTime endedAt, @Schema(description = "Seconds I talked") long durationSeconds,
        @Schema(enumeration = { "normal", "busy", "no-answer", "rejected", "cancelled", "failed",
                "insufficient-funds", "timeout", "device-lost" }) String endCause,
        @Schema(description = "Recordings of the call: [{recordingId, contentType, state, durationSeconds}]; "
                + "download through GET /v1/calls/{callId}/recordings/{recordingId}") JsonNode recordings) {

    /** The other end: an account (with its name where identity told us one), an outside number, or a queue. */
    @RegisterForReflection
    public record Peer(@Schema(nullable = true) UUID accountId, @Schema(nullable = true) String name,
            @Schema(nullable = true) String number, @Schema(nullable = true) UUID queueId) {
    }
}
