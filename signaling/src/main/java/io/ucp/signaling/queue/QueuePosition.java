package io.ucp.signaling.queue;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A waiting caller's place: position 1 is next; estimatedWaitSeconds = ceil(position × average handle time ÷ staffed
 * agents), null while no agent is staffed (see README).
 */
@RegisterForReflection
public record QueuePosition(UUID callId, UUID queueId, int position, Long estimatedWaitSeconds,
        OffsetDateTime enteredAt, long waitingSeconds) {
}
