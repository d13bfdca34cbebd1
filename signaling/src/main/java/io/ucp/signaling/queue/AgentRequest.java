package io.ucp.signaling.queue;

import java.util.UUID;

/** An agent state change: for one queue ({@code queueId}) or, when absent, all the agent's queues. */
public record AgentRequest(UUID queueId, String reason) {
}
