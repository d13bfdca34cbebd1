package io.ucp.signaling.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.UUID;

/**
 * Where a queue sends a caller it cannot keep (max wait reached, queue full): {@code user} (rings their connected
 * devices, {@code accountId}), {@code queue} (enters another queue, {@code queueId}) or {@code number} (an E.164
 * number, {@code number}).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OverflowTarget(String type, UUID accountId, UUID queueId, String number) {

    public static final String USER = "user";
    public static final String QUEUE = "queue";
    public static final String NUMBER = "number";
}
