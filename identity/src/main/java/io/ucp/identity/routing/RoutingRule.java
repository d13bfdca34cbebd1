package io.ucp.identity.routing;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One inbound-call rule of an account, in its position order. */
@RegisterForReflection
public record RoutingRule(UUID id, int position, @Schema(nullable = true) String name, boolean enabled,
        RuleConditions conditions,
        RuleAction action, OffsetDateTime createdAt, OffsetDateTime updatedAt, long version) {
}
