package io.ucp.identity.routing;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One inbound-call rule of an account, in its position order. */
@RegisterForReflection
public record RoutingRule(UUID id, int position, String name, boolean enabled, RuleConditions conditions,
        RuleAction action, OffsetDateTime createdAt, OffsetDateTime updatedAt, long version) {
}
