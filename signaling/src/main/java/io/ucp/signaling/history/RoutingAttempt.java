package io.ucp.signaling.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One attempt made to reach someone for a call (a call_routing row): the routing rule and step that produced it,
 * what was tried, and how it ended ({@code outcome}/{@code endedAt} null while it is still in progress).
 */
@RegisterForReflection
public record RoutingAttempt(int attempt, @Schema(nullable = true) UUID ruleId, @Schema(nullable = true) Integer step,
        @Schema(enumeration = { "devices", "user", "number", "queue", "agent", "reject" }) String targetType,
        JsonNode target, @Schema(nullable = true) UUID queueId, OffsetDateTime startedAt,
        @Schema(nullable = true) OffsetDateTime endedAt,
        @Schema(nullable = true, enumeration = { "answered", "no-answer", "busy", "rejected", "failed", "timeout",
                "cancelled" }) String outcome,
        @Schema(nullable = true) String reason) {
}
