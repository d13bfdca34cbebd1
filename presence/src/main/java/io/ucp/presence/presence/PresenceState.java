package io.ucp.presence.presence;

import java.util.List;

/**
 * The aggregation rule: a user's published state is the highest of what applies, by the priority
 * dnd > on-call > busy > available > away > offline. appear-offline hides everything.
 */
public final class PresenceState {

    public static final List<String> CHOSEN = List.of("available", "away", "busy", "dnd", "appear-offline");
    private static final List<String> PRIORITY = List.of("offline", "away", "available", "busy", "on-call", "dnd");

    private PresenceState() {
    }

    /**
     * @param chosen     the state the user picked
     * @param onCall     on at least one answered call
     * @param liveDevices devices connected, heart-beating, or within the grace period after leaving
     * @param anyActive  at least one live device is not reported idle
     */
    public static String aggregate(String chosen, boolean onCall, int liveDevices, boolean anyActive) {
        if ("appear-offline".equals(chosen)) {
            return "offline";
        }
        if (liveDevices == 0 && !onCall) {
            return "offline";
        }
        String best = "offline";
        if (liveDevices > 0) {
            best = switch (chosen) {
                case "dnd", "busy", "away" -> chosen;
                default -> anyActive ? "available" : "away";
            };
        } else if ("dnd".equals(chosen)) {
            best = "dnd";
        }
        if (onCall && PRIORITY.indexOf("on-call") > PRIORITY.indexOf(best)) {
            best = "on-call";
        }
        return best;
    }
}
