package io.ucp.signaling.queue;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.platform.problem.ProblemException;
import io.ucp.signaling.platform.security.CurrentUser;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An agent's state in their queues; {@code agentId} is {@code me} or the agent's account id (themself, or an admin).
 * Body {@code {queueId?, reason?}}: one queue, or all the agent's queues when queueId is absent.
 */
@Path("/v1/agents/{agentId}")
@Tag(name = "Agents", description = "Queue agents: login, logout, pause, unpause")
@Authenticated
public class AgentResource {

    private final AgentService agents;
    private final CurrentUser user;

    public AgentResource(AgentService agents, CurrentUser user) {
        this.agents = agents;
        this.user = user;
    }

    @GET
    @Path("/memberships")
    @Operation(summary = "The agent's queue memberships and states")
    public Uni<List<Member>> memberships(@PathParam("agentId") String agentId) {
        return agents.memberships(actor(), agent(agentId));
    }

    @POST
    @Path("/login")
    @Operation(summary = "Log in to a queue (or all my queues): logged-out → available")
    public Uni<List<Member>> login(@PathParam("agentId") String agentId, AgentRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return act(agentId, AgentService.LOGIN, request, key);
    }

    @POST
    @Path("/logout")
    @Operation(summary = "Log out of a queue (or all my queues); ringing offers are withdrawn")
    public Uni<List<Member>> logout(@PathParam("agentId") String agentId, AgentRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return act(agentId, AgentService.LOGOUT, request, key);
    }

    @POST
    @Path("/pause")
    @Operation(summary = "Pause (reason) in a queue (or all my queues); ringing offers are withdrawn")
    public Uni<List<Member>> pause(@PathParam("agentId") String agentId, AgentRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return act(agentId, AgentService.PAUSE, request, key);
    }

    @POST
    @Path("/unpause")
    @Operation(summary = "Unpause in a queue (or all my queues): paused → available, missed offers reset")
    public Uni<List<Member>> unpause(@PathParam("agentId") String agentId, AgentRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return act(agentId, AgentService.UNPAUSE, request, key);
    }

    private Uni<List<Member>> act(String agentId, String action, AgentRequest request, String key) {
        UUID agent = agent(agentId);
        return agents.act(actor(), agent, action, request, Idempotency.of(key, "agent-" + action, agent,
                request == null ? null : request.queueId(), request == null ? null : request.reason()));
    }

    private UUID agent(String agentId) {
        if ("me".equals(agentId)) {
            return user.id();
        }
        try {
            return UUID.fromString(agentId);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("agentId", "must be me or an account id");
        }
    }

    private Actor actor() {
        return new Actor(user.id(), user.isAdmin());
    }
}
