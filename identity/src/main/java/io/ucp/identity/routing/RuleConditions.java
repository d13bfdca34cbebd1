package io.ucp.identity.routing;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * When a rule applies: every condition present must hold (an empty object always holds). Times are in the callee's
 * time zone; a window whose end is before its start runs overnight and belongs to the day it starts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record RuleConditions(List<TimeWindow> timeWindows, List<String> callerPrefixes, String callerPattern,
        List<String> presence) {

    /** {@code days}: MON..SUN (all days when absent); {@code start}/{@code end}: "HH:mm", end exclusive. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record TimeWindow(List<String> days, String start, String end) {
    }

    public static RuleConditions none() {
        return new RuleConditions(null, null, null, null);
    }
}
