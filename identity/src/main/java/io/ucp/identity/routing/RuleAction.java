package io.ucp.identity.routing;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.UUID;

/**
 * What to do: ring (all devices when {@code deviceIds} is absent) for {@code timeoutSeconds}; forward to a user or
 * an E.164 number; send to a queue; or reject with a cause. Ring falls through to the next matching rule when
 * nobody answers; forward, queue and reject end the plan.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record RuleAction(String type, List<UUID> deviceIds, Integer timeoutSeconds, UUID toAccountId, String toNumber,
        UUID queueId, String cause) {

    public boolean terminal() {
        return !"ring".equals(type);
    }
}
