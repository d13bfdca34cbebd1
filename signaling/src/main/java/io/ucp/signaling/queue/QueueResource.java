package io.ucp.signaling.queue;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.platform.problem.ProblemException;
import io.ucp.signaling.platform.security.CurrentUser;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Queue administration (admins), members, and statistics (admins and the queue's members). */
@Path("/v1/queues")
@Tag(name = "Queues", description = "ACD call queues, their agents and statistics")
@Authenticated
public class QueueResource {

    private final QueueAdmin admin;
    private final CurrentUser user;
    private final QueueConfig config;

    public QueueResource(QueueAdmin admin, CurrentUser user, QueueConfig config) {
        this.admin = admin;
        this.user = user;
        this.config = config;
    }

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Create a queue (admin)")
    public Uni<Queue> create(QueueRequest request, @HeaderParam(Idempotency.HEADER) String key) {
        return admin.create(actor(), request, Idempotency.of(key, "queue-create", String.valueOf(request)));
    }

    @GET
    @Operation(summary = "Queues by name (admin); cursor from nextCursor")
    public Uni<QueueAdmin.QueuePage> list(@QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(100) int limit) {
        return admin.list(actor(), cursor, Math.min(limit, config.maxPageSize()));
    }

    @GET
    @Path("/{queueId}")
    @Operation(summary = "One queue (admin)")
    public Uni<Queue> get(@PathParam("queueId") UUID queueId) {
        return admin.get(actor(), queueId);
    }

    @PUT
    @Path("/{queueId}")
    @Operation(summary = "Replace a queue's settings (admin)")
    public Uni<Queue> update(@PathParam("queueId") UUID queueId, QueueRequest request) {
        return admin.update(actor(), queueId, request);
    }

    @DELETE
    @Path("/{queueId}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a queue nobody waits in (admin)")
    public Uni<Void> delete(@PathParam("queueId") UUID queueId) {
        return admin.delete(actor(), queueId);
    }

    @GET
    @Path("/{queueId}/members")
    @Operation(summary = "A queue's agents with their state (admin)")
    public Uni<List<Member>> members(@PathParam("queueId") UUID queueId) {
        return admin.members(actor(), queueId);
    }

    @POST
    @Path("/{queueId}/members")
    @ResponseStatus(201)
    @Operation(summary = "Add an agent (accountId, tier, priority) to a queue (admin); they start logged out")
    public Uni<Member> addMember(@PathParam("queueId") UUID queueId, MemberRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return admin.addMember(actor(), queueId, request, Idempotency.of(key, "member-add", queueId,
                String.valueOf(request)));
    }

    @PUT
    @Path("/{queueId}/members/{accountId}")
    @Operation(summary = "Change an agent's tier and/or priority (admin)")
    public Uni<Member> updateMember(@PathParam("queueId") UUID queueId, @PathParam("accountId") UUID accountId,
            MemberRequest request) {
        return admin.updateMember(actor(), queueId, accountId, request);
    }

    @DELETE
    @Path("/{queueId}/members/{accountId}")
    @ResponseStatus(204)
    @Operation(summary = "Remove an agent from a queue (admin)")
    public Uni<Void> removeMember(@PathParam("queueId") UUID queueId, @PathParam("accountId") UUID accountId) {
        return admin.removeMember(actor(), queueId, accountId);
    }

    @GET
    @Path("/{queueId}/stats")
    @Operation(summary = "Waiting, longest wait, answered, abandoned, average wait, service level (admin, members)")
    public Uni<QueueStats> stats(@PathParam("queueId") UUID queueId, @QueryParam("since") String since) {
        OffsetDateTime from = null;
        if (since != null) {
            try {
                from = OffsetDateTime.parse(since);
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("since", "must be an ISO-8601 date-time with offset");
            }
        }
        return admin.stats(actor(), queueId, from);
    }

    private Actor actor() {
        return new Actor(user.id(), user.isAdmin());
    }
}
