package io.ucp.signaling.queue;

import java.util.UUID;

/** Add an agent to a queue ({@code accountId}), or change their tier/priority (lower tiers are offered first). */
public record MemberRequest(UUID accountId, Integer tier, Integer priority) {
}
