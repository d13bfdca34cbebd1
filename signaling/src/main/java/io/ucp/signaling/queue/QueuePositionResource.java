package io.ucp.signaling.queue;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.platform.security.CurrentUser;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A waiting caller's place in the queue (also pushed to their device as queue.position). */
@Path("/v1/calls/{callId}/queue")
@Tag(name = "Calls", description = "Originate and control calls")
@Authenticated
public class QueuePositionResource {

    private final QueueEngine engine;
    private final CurrentUser user;

    public QueuePositionResource(QueueEngine engine, CurrentUser user) {
        this.engine = engine;
        this.user = user;
    }

    @GET
    @Operation(summary = "My waiting call's position and estimated wait (caller and admins; 409 when not queued)")
    public Uni<QueuePosition> position(@PathParam("callId") UUID callId) {
        return engine.positionOf(new Actor(user.id(), user.isAdmin()), callId);
    }
}
