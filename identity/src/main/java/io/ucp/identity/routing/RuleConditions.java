package io.ucp.identity.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * When a rule applies: every condition present must hold (an empty object always holds). Times are in the callee's
 * time zone; a window whose end is before its start runs overnight and belongs to the day it starts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record RuleConditions(List<TimeWindow> timeWindows, List<String> callerPrefixes, String callerPattern,
        @Schema(type = SchemaType.ARRAY, implementation = PresenceState.class) List<String> presence) {

    /** The presence states a condition may name (presence's own states), for the API document. */
    @Schema(name = "PresenceState", type = SchemaType.STRING,
            enumeration = {"available", "away", "busy", "dnd", "on-call", "offline", "appear-offline"})
    interface PresenceState {
    }

    /** {@code days}: MON..SUN (all days when absent); {@code start}/{@code end}: "HH:mm", end exclusive. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record TimeWindow(@Schema(type = SchemaType.ARRAY, implementation = Weekday.class) List<String> days,
            @Schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "09:00") String start,
            @Schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "17:30") String end) {
    }

    @Schema(name = "Weekday", type = SchemaType.STRING, enumeration = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"})
    interface Weekday {
    }

    public static RuleConditions none() {
        return new RuleConditions(null, null, null, null);
    }
}
