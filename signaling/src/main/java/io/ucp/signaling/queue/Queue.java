package io.ucp.signaling.queue;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A call queue (call_queues row) as the API returns it. */
@RegisterForReflection
public record Queue(UUID id, String name, String strategy, int maxWaitSeconds, int maxSize, int wrapUpSeconds,
        int offerTimeoutSeconds, int maxMissedOffers, int serviceLevelSeconds, OverflowTarget overflowTarget,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public static final String RING_ALL = "ring-all";
    public static final String LONGEST_IDLE = "longest-idle";
    public static final String ROUND_ROBIN = "round-robin";
    public static final String FEWEST_CALLS = "fewest-calls";
    public static final String RANDOM = "random";
}
