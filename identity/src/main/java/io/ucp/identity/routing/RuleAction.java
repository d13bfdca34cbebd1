package io.ucp.identity.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What to do: ring (all devices when {@code deviceIds} is absent) for {@code timeoutSeconds}; forward to a user or
 * an E.164 number; send to a queue; or reject with a cause. Ring falls through to the next matching rule when
 * nobody answers; forward, queue and reject end the plan.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record RuleAction(@Schema(required = true, enumeration = {"ring", "forward", "queue", "reject"}) String type,
        List<UUID> deviceIds, @Schema(minimum = "5", maximum = "300") Integer timeoutSeconds, UUID toAccountId,
        String toNumber, UUID queueId,
        @Schema(enumeration = {"busy", "declined", "unavailable", "do-not-disturb"}) String cause) {

    public boolean terminal() {
        return !"ring".equals(type);
    }
}
