package io.ucp.signaling.history;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.platform.security.CurrentUser;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The routing attempts of a call (call_routing), in the order they were made. */
@Path("/v1/calls/{callId}/routing")
@Tag(name = "Call history")
@Authenticated
public class RoutingAttemptsResource {

    private final HistoryService history;
    private final CurrentUser user;

    public RoutingAttemptsResource(HistoryService history, CurrentUser user) {
        this.history = history;
        this.user = user;
    }

    @GET
    @Operation(operationId = "listRoutingAttempts", summary = "Every attempt made to reach someone for this call "
            + "(step, rule, target, outcome, reason, times): the call's parties and admins only, others 404")
    public Uni<List<RoutingAttempt>> attempts(@PathParam("callId") UUID callId) {
        return history.attempts(new Actor(user.id(), user.isAdmin()), callId);
    }
}
