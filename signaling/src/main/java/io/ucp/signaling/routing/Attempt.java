package io.ucp.signaling.routing;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * A call_routing row to insert: one attempt to reach someone; outcome null while it is in progress. attemptNo is
 * relative to the change that makes it (1, 2, ...): the insert adds the call's highest attempt number so far.
 */
public record Attempt(UUID id, int attemptNo, UUID ruleId, Integer step, String targetType, Map<String, Object> target,
        OffsetDateTime startedAt, OffsetDateTime endedAt, String outcome, String reason) {
}
