package io.ucp.signaling.history;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.platform.problem.ProblemException;
import io.ucp.signaling.platform.security.CurrentUser;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Call history: every finished call I took part in (placed, received, missed, was offered as a queue agent, was
 * transferred to), newest first, and the missed-calls badge. Entries appear once call.ended has been consumed
 * (normally milliseconds after the call ends; a Kafka outage delays them, never loses them).
 */
@Path("/v1/calls/history")
@Tag(name = "Call history", description = "Recent and missed calls of every party")
@Authenticated
public class HistoryResource {

    private static final Set<String> DIRECTIONS = Set.of("outgoing", "incoming", "internal", "external");
    private static final Set<String> OUTCOMES = Set.of("answered", "missed", "rejected", "busy", "cancelled", "failed",
            "no-answer", "answered-elsewhere");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    private final HistoryService history;
    private final HistoryConfig config;
    private final CurrentUser user;

    public HistoryResource(HistoryService history, HistoryConfig config, CurrentUser user) {
        this.history = history;
        this.config = config;
        this.user = user;
    }

    @GET
    @Operation(operationId = "listCallHistory", summary = "My finished calls, newest first (admins: accountId=)")
    public Uni<HistoryPage> list(
            @Parameter(description = "outgoing / incoming (my point of view), internal / external (with an "
                    + "account / an outside number)") @QueryParam("direction") String direction,
            @Parameter(description = "My outcome, e.g. missed") @QueryParam("outcome") String outcome,
            @Parameter(description = "The other end: an account id or an E.164 number") @QueryParam("peer") String peer,
            @Parameter(description = "Calls started at or after (ISO-8601)") @QueryParam("from") String from,
            @Parameter(description = "Calls started before (ISO-8601)") @QueryParam("to") String to,
            @Parameter(description = "Admins: whose history") @QueryParam("accountId") UUID accountId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(100) int limit) {
        if (direction != null && !DIRECTIONS.contains(direction)) {
            throw ProblemException.badRequest("direction", "must be one of outgoing, incoming, internal, external");
        }
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw ProblemException.badRequest("outcome", "must be one of " + String.join(", ", OUTCOMES.stream()
                    .sorted().toList()));
        }
        UUID peerAccount = null;
        String peerNumber = null;
        if (peer != null) {
            if (E164.matcher(peer).matches()) {
                peerNumber = peer;
            } else {
                try {
                    peerAccount = UUID.fromString(peer);
                } catch (IllegalArgumentException e) {
                    throw ProblemException.badRequest("peer", "must be an account id or an E.164 number");
                }
            }
        }
        OffsetDateTime since = time("from", from);
        OffsetDateTime until = time("to", to);
        if (since != null && until != null && !since.isBefore(until)) {
            throw ProblemException.badRequest("to", "must be after from");
        }
        String dir = "outgoing".equals(direction) || "incoming".equals(direction) ? direction : null;
        Boolean internal = "internal".equals(direction) ? Boolean.TRUE
                : "external".equals(direction) ? Boolean.FALSE : null;
        UUID owner = history.owner(actor(), accountId);
        return history.list(new HistoryFilter(owner, dir, internal, outcome, peerAccount, peerNumber, since, until),
                cursor, Math.min(limit, config.maxPageSize()));
    }

    @GET
    @Path("/missed")
    @Operation(operationId = "countMissedCalls", summary = "How many calls I missed since I last marked them seen")
    public Uni<MissedCalls> missed(@QueryParam("accountId") UUID accountId) {
        return history.missed(history.owner(actor(), accountId));
    }

    @POST
    @Path("/missed/seen")
    @Operation(operationId = "markMissedCallsSeen", summary = "Mark my missed calls seen (up to upTo, default now); "
            + "naturally idempotent: the mark only moves forward")
    public Uni<MissedCalls> markSeen(MarkSeenRequest request) {
        return history.markSeen(actor().id(), request == null ? null : request.upTo());
    }

    @GET
    @Path("/{callId}")
    @Operation(operationId = "getCallHistoryEntry", summary = "My entry of one finished call (404 if I had none)")
    public Uni<HistoryEntry> one(@PathParam("callId") UUID callId, @QueryParam("accountId") UUID accountId) {
        return history.one(history.owner(actor(), accountId), callId);
    }

    private static OffsetDateTime time(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(field, "must be an ISO-8601 date-time with offset, e.g. "
                    + "2026-12-04T10:00:00Z");
        }
    }

    private Actor actor() {
        return new Actor(user.id(), user.isAdmin());
    }
}
