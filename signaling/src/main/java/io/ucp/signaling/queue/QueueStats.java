package io.ucp.signaling.queue;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A queue's figures: callers waiting now and the longest current wait; for visits that ended since {@code since}:
 * answered, abandoned, timed out, full (refused by max size), average wait of answered calls, and the service level =
 * answered within serviceLevelSeconds ÷ (answered + abandoned or timed out after serviceLevelSeconds), null when
 * that is 0 ÷ 0.
 */
@RegisterForReflection
public record QueueStats(UUID queueId, OffsetDateTime since, long waiting, long longestWaitSeconds, long answered,
        long abandoned, long timedOut, long refusedFull, Double averageWaitSeconds, int serviceLevelSeconds,
        long answeredWithinServiceLevel, Double serviceLevel, long agentsAvailable, long agentsStaffed) {
}
