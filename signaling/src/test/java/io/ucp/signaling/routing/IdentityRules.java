package io.ucp.signaling.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * identity's routing-rule records (io.ucp.identity.routing.RoutingRule / RuleConditions / RuleAction), field for
 * field and with the same {@code NON_NULL} inclusion, so tests serialise rules exactly as identity's GET returns them
 * and routing-rules.changed carries them.
 */
public final class IdentityRules {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public record RoutingRule(UUID id, int position, String name, boolean enabled, RuleConditions conditions,
            RuleAction action, String createdAt, String updatedAt, long version) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleConditions(List<TimeWindow> timeWindows, List<String> callerPrefixes, String callerPattern,
            List<String> presence) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TimeWindow(List<String> days, String start, String end) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleAction(String type, List<UUID> deviceIds, Integer timeoutSeconds, UUID toAccountId,
            String toNumber, UUID queueId, String cause) {
    }

    private IdentityRules() {
    }

    public static RoutingRule rule(UUID id, int position, RuleConditions conditions, RuleAction action) {
        String now = OffsetDateTime.now().toString();
        return new RoutingRule(id, position, "rule " + position, true, conditions, action, now, now, 1);
    }

    public static RuleConditions none() {
        return new RuleConditions(null, null, null, null);
    }

    public static RuleConditions windows(TimeWindow... windows) {
        return new RuleConditions(List.of(windows), null, null, null);
    }

    public static RuleConditions prefixes(String... prefixes) {
        return new RuleConditions(null, List.of(prefixes), null, null);
    }

    public static RuleConditions pattern(String pattern) {
        return new RuleConditions(null, null, pattern, null);
    }

    public static RuleConditions presence(String... states) {
        return new RuleConditions(null, null, null, List.of(states));
    }

    /** identity's validator fills in the ring timeout (30 s) when a rule leaves it out. */
    public static RuleAction ring(Integer timeoutSeconds, UUID... deviceIds) {
        return new RuleAction("ring", deviceIds.length == 0 ? null : List.of(deviceIds),
                timeoutSeconds == null ? 30 : timeoutSeconds, null, null, null, null);
    }

    public static RuleAction forwardTo(UUID account) {
        return new RuleAction("forward", null, null, account, null, null, null);
    }

    public static RuleAction forwardToNumber(String e164) {
        return new RuleAction("forward", null, null, null, e164, null, null);
    }

    public static RuleAction queue(UUID queueId) {
        return new RuleAction("queue", null, null, null, null, queueId, null);
    }

    public static RuleAction reject(String cause) {
        return new RuleAction("reject", null, null, null, null, null, cause);
    }

    public static JsonNode json(List<?> rules) {
        return MAPPER.valueToTree(rules);
    }
}
