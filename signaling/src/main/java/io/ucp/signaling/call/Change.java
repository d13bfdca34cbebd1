package io.ucp.signaling.call;

import io.ucp.signaling.routing.Attempt;
import java.util.List;
import java.util.UUID;

/**
 * The outcome of one transition: the call after it, the event it publishes (null for changes no consumer needs,
 * e.g. mute), how the open routing attempt ended (null when it goes on), and the routing attempts the change
 * started (with the one whose devices now ring).
 */
public record Change(Call after, String eventType, String routingOutcome, String routingReason,
        List<Attempt> attempts, UUID ringingAttempt) {

    public Change(Call after, String eventType, String routingOutcome, String routingReason) {
        this(after, eventType, routingOutcome, routingReason, List.of(), null);
    }

    public static Change of(Call after, String eventType) {
        return new Change(after, eventType, null, null);
    }
}
