package io.ucp.identity.routing;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.common.Idempotency;
import io.ucp.identity.platform.problem.ProblemException;
import io.ucp.identity.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/routing")
@Tag(name = "Routing rules")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RoutingResource {

    private final RoutingService routing;
    private final CurrentUser currentUser;
    private final Idempotency idempotency;

    public RoutingResource(RoutingService routing, CurrentUser currentUser, Idempotency idempotency) {
        this.routing = routing;
        this.currentUser = currentUser;
        this.idempotency = idempotency;
    }

    public record RuleBody(@Size(max = 200) String name, Boolean enabled, @Valid RuleConditions conditions,
            @NotNull RuleAction action, @Min(0) @Max(RoutingService.MAX_RULES) Integer position) {
    }

    public record Order(@NotNull @Size(max = RoutingService.MAX_RULES) List<@NotNull UUID> ruleIds) {
    }

    /** {@code at} defaults to now; {@code callerNumber} is E.164 (absent for anonymous or internal callers). */
    public record ResolveRequest(@NotNull UUID calleeAccountId,
            @Size(max = 40) @Schema(nullable = true) String callerNumber,
            @Schema(implementation = String.class, format = "date-time", nullable = true) Instant at) {
    }

    @GET
    @Path("rules")
    @Operation(operationId = "listMyRoutingRules", summary = "My rules in evaluation order")
    public Uni<List<RoutingRule>> list() {
        return routing.list(currentUser.id());
    }

    @POST
    @Path("rules")
    @Operation(operationId = "createRoutingRule",
            summary = "Add a rule (at the end, or at position); Idempotency-Key honoured")
    @APIResponseSchema(value = RoutingRule.class, responseCode = "201",
            responseDescription = "Rule created (or the first answer replayed for the same Idempotency-Key)")
    @APIResponse(responseCode = "404", description = "A device or account the action names does not exist")
    @APIResponse(responseCode = "409", description = "The per-account rule cap is reached, or a request with this "
            + "Idempotency-Key is still being processed")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    public Uni<Response> create(@Valid @NotNull RuleBody body, @HeaderParam(Idempotency.HEADER) String key) {
        UUID me = currentUser.id();
        return idempotency.run("routing-rule:" + me, key, body, 201, () -> routing.create(me, draft(body)));
    }

    @GET
    @Path("rules/{id}")
    @Operation(operationId = "getMyRoutingRule", summary = "One of my rules")
    @APIResponse(responseCode = "404", description = "No such rule of mine")
    @APIResponseSchema(value = RoutingRule.class, responseCode = "200", responseDescription = "The rule")
    public Uni<RoutingRule> get(@PathParam("id") UUID id) {
        return routing.get(currentUser.id(), id);
    }

    @PUT
    @Path("rules/{id}")
    @Operation(operationId = "updateMyRoutingRule",
            summary = "Replace a rule's name, enabled flag, conditions and action (its position is kept)")
    @APIResponse(responseCode = "404", description = "No such rule of mine (or a device or account the action names)")
    @APIResponseSchema(value = RoutingRule.class, responseCode = "200", responseDescription = "The changed rule")
    public Uni<RoutingRule> update(@PathParam("id") UUID id, @Valid @NotNull RuleBody body) {
        if (body.position() != null) {
            throw ProblemException.badRequest("position", "use PUT /v1/routing/rules/order to move rules");
        }
        return routing.update(currentUser.id(), id, draft(body));
    }

    @DELETE
    @Path("rules/{id}")
    @Operation(operationId = "deleteMyRoutingRule", summary = "Delete a rule")
    @APIResponse(responseCode = "204", description = "Rule deleted")
    @APIResponse(responseCode = "404", description = "No such rule of mine")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return routing.delete(currentUser.id(), id);
    }

    @PUT
    @Path("rules/order")
    @Operation(operationId = "reorderMyRoutingRules", summary = "Reorder all my rules")
    public Uni<List<RoutingRule>> reorder(@Valid @NotNull Order body) {
        return routing.reorder(currentUser.id(), body.ruleIds());
    }

    @POST
    @Path("resolve")
    @Operation(operationId = "previewRouting",
            summary = "Preview how an incoming call to my account (admins: any account) is resolved into the "
                + "ordered plan signaling executes, with the matched rule ids; another user's account is a 404")
    @APIResponse(responseCode = "404", description = "No such account, or another user's account")
    @APIResponseSchema(value = RoutingService.Plan.class, responseCode = "200",
            responseDescription = "The plan signaling would execute now (or at the time given)")
    public Uni<RoutingService.Plan> resolve(@Valid @NotNull ResolveRequest body) {
        // A plan names the callee's devices, rules, forward numbers and presence: only its owner and admins see
        // it. No service calls this (signaling resolves from its own copy of the rules, RuleReader).
        if (body.calleeAccountId() == null || !currentUser.mayAccess(body.calleeAccountId())) {
            throw ProblemException.notFound("Account");
        }
        String caller = callerNumber(body.callerNumber());
        return routing.resolve(body.calleeAccountId(), caller, body.at() == null ? Instant.now() : body.at());
    }

    /** Trunk callers may present numbers libphonenumber doesn't know: any E.164-shaped number is accepted. */
    private static String callerNumber(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String compact = raw.replaceAll("[\\s().-]", "");
        if (!compact.matches("^\\+[1-9][0-9]{1,14}$")) {
            throw ProblemException.badRequest("callerNumber", "must be an E.164 number (+ and up to 15 digits)");
        }
        return compact;
    }

    private static RoutingService.Draft draft(RuleBody body) {
        return new RoutingService.Draft(body.name(), body.enabled(), body.conditions(), body.action(), body.position());
    }
}
