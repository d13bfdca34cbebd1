package io.ucp.signaling.call;

import io.smallrye.mutiny.Uni;
import io.ucp.signaling.config.SignalingConfig;
import io.ucp.signaling.platform.problem.ProblemException;
import io.ucp.signaling.platform.security.CurrentUser;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** REST call control. Every POST honours {@code Idempotency-Key}: a replay returns the first result, no effect. */
@Path("/v1/calls")
@Tag(name = "Calls", description = "Originate and control calls")
@Authenticated
public class CallResource {

    private final CallService calls;
    private final TransferService transfers;
    private final CurrentUser user;
    private final SignalingConfig config;

    public CallResource(CallService calls, TransferService transfers, CurrentUser user, SignalingConfig config) {
        this.calls = calls;
        this.transfers = transfers;
        this.user = user;
        this.config = config;
    }

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Call a user (rings their devices by their routing rules), an E.164 number (via a trunk) "
            + "or a call queue (toQueueId: wait there for an agent)")
    public Uni<CallView> originate(@Valid @NotNull OriginateRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        int targets = (request.toAccountId() == null ? 0 : 1) + (request.toNumber() == null ? 0 : 1)
                + (request.toQueueId() == null ? 0 : 1);
        if (targets != 1) {
            throw ProblemException.badRequest("toAccountId", "give exactly one of toAccountId, toNumber and toQueueId");
        }
        if (request.toQueueId() != null) {
            return calls.originateToQueue(actor(), request.deviceId(), request.toQueueId(),
                    Idempotency.of(key, "originate-queue", request.deviceId(), request.toQueueId()));
        }
        Idempotency idem = Idempotency.of(key, "originate", request.deviceId(), request.toAccountId(),
                request.toNumber());
        return request.toNumber() != null
                ? calls.originateToNumber(actor(), request.deviceId(), request.toNumber(), idem)
                : calls.originate(actor(), request.deviceId(), request.toAccountId(), idem);
    }

    @POST
    @Path("/inbound")
    @ResponseStatus(201)
    @Operation(summary = "A trunk (gateway) reports a call from outside to a user's number")
    public Uni<CallView> inbound(@Valid @NotNull InboundRequest request, @HeaderParam(Idempotency.HEADER) String key) {
        return calls.inbound(actor(), request.deviceId(), request.fromNumber(), request.toNumber(),
                Idempotency.of(key, "inbound", request.deviceId(), request.fromNumber(), request.toNumber()));
    }

    @GET
    @Operation(summary = "My active calls (admins: all=true lists every active call)")
    public Uni<CallPage> list(@QueryParam("all") @DefaultValue("false") boolean all,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(100) int limit) {
        return calls.listActive(actor(), all, cursor, Math.min(limit, config.maxPageSize()));
    }

    @GET
    @Path("/{callId}")
    @Operation(summary = "One call (its parties and admins only)")
    public Uni<CallView> get(@PathParam("callId") UUID callId) {
        return calls.get(actor(), callId);
    }

    @POST
    @Path("/{callId}/answer")
    @Operation(summary = "Answer a call ringing on one of my devices")
    public Uni<CallView> answer(@PathParam("callId") UUID callId, AnswerRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        UUID device = request == null ? null : request.deviceId();
        return calls.answer(actor(), callId, device, Idempotency.of(key, "answer", callId, device));
    }

    @POST
    @Path("/{callId}/reject")
    @Operation(summary = "Decline a call ringing for me")
    public Uni<CallView> reject(@PathParam("callId") UUID callId, @HeaderParam(Idempotency.HEADER) String key) {
        return calls.reject(actor(), callId, Idempotency.of(key, "reject", callId));
    }

    @POST
    @Path("/{callId}/hold")
    @Operation(summary = "Put an answered call on hold")
    public Uni<CallView> hold(@PathParam("callId") UUID callId, @HeaderParam(Idempotency.HEADER) String key) {
        return calls.hold(actor(), callId, Idempotency.of(key, "hold", callId));
    }

    @POST
    @Path("/{callId}/resume")
    @Operation(summary = "Take a call I held off hold")
    public Uni<CallView> resume(@PathParam("callId") UUID callId, @HeaderParam(Idempotency.HEADER) String key) {
        return calls.resume(actor(), callId, Idempotency.of(key, "resume", callId));
    }

    @POST
    @Path("/{callId}/legs/{legId}/mute")
    @Operation(summary = "Mute my leg")
    public Uni<CallView> mute(@PathParam("callId") UUID callId, @PathParam("legId") UUID legId,
            @HeaderParam(Idempotency.HEADER) String key) {
        return calls.mute(actor(), callId, legId, true, Idempotency.of(key, "mute", callId, legId));
    }

    @POST
    @Path("/{callId}/legs/{legId}/unmute")
    @Operation(summary = "Unmute my leg")
    public Uni<CallView> unmute(@PathParam("callId") UUID callId, @PathParam("legId") UUID legId,
            @HeaderParam(Idempotency.HEADER) String key) {
        return calls.mute(actor(), callId, legId, false, Idempotency.of(key, "unmute", callId, legId));
    }

    @POST
    @Path("/{callId}/dtmf")
    @Operation(summary = "Send DTMF digits to the other party's device")
    public Uni<CallView> dtmf(@PathParam("callId") UUID callId, @Valid @NotNull DtmfRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return calls.dtmf(actor(), callId, request.digits(), Idempotency.of(key, "dtmf", callId, request.digits()));
    }

    @POST
    @Path("/{callId}/hangup")
    @Operation(summary = "Hang up (cancel while ringing, decline if it rings for me, end if answered)")
    public Uni<CallView> hangup(@PathParam("callId") UUID callId, @HeaderParam(Idempotency.HEADER) String key) {
        return calls.hangup(actor(), callId, Idempotency.of(key, "hangup", callId));
    }

    @POST
    @Path("/{callId}/transfer")
    @Operation(summary = "Blind transfer: I leave, the target's devices ring, the other party waits")
    public Uni<CallView> transfer(@PathParam("callId") UUID callId, @Valid @NotNull TransferRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return transfers.blind(actor(), callId, request.toAccountId(),
                Idempotency.of(key, "transfer", callId, request.toAccountId()));
    }

    @POST
    @Path("/{callId}/transfer/consult")
    @Operation(summary = "Attended transfer, step 1: hold this call and call the target (transfer.consultCallId)")
    public Uni<CallView> consult(@PathParam("callId") UUID callId, @Valid @NotNull TransferRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return transfers.consult(actor(), callId, request.toAccountId(),
                Idempotency.of(key, "consult", callId, request.toAccountId()));
    }

    @POST
    @Path("/{callId}/transfer/complete")
    @Operation(summary = "Attended transfer, step 2: join the consulted party in my place")
    public Uni<CallView> completeTransfer(@PathParam("callId") UUID callId,
            @HeaderParam(Idempotency.HEADER) String key) {
        return transfers.complete(actor(), callId, Idempotency.of(key, "transfer-complete", callId));
    }

    @POST
    @Path("/{callId}/transfer/cancel")
    @Operation(summary = "Attended transfer: give up the consultation and return to the call")
    public Uni<CallView> cancelTransfer(@PathParam("callId") UUID callId,
            @HeaderParam(Idempotency.HEADER) String key) {
        return transfers.cancel(actor(), callId, Idempotency.of(key, "transfer-cancel", callId));
    }

    private Actor actor() {
        return new Actor(user.id(), user.isAdmin());
    }
}
