package io.ucp.signaling.queue;

/** Create or replace a queue; absent numbers take the schema's defaults (validated in {@link QueueAdmin}). */
public record QueueRequest(String name, String strategy, Integer maxWaitSeconds, Integer maxSize,
        Integer wrapUpSeconds, Integer offerTimeoutSeconds, Integer maxMissedOffers, Integer serviceLevelSeconds,
        OverflowTarget overflowTarget) {
}
