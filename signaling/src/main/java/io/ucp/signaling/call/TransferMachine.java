package io.ucp.signaling.call;

import static io.ucp.signaling.call.CallStates.ACTIVE;
import static io.ucp.signaling.call.CallStates.CANCELLED;
import static io.ucp.signaling.call.CallStates.HELD;
import static io.ucp.signaling.call.CallStates.NORMAL;
import static io.ucp.signaling.call.CallStates.RINGING;

import io.ucp.signaling.routing.Attempt;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Transitions of blind and attended transfers (pure, like {@link CallMachine}). */
public final class TransferMachine {

    public static final String TARGET = "transfer-target";

    private TransferMachine() {
    }

    /** The transferor leaves at once; the target's devices ring; the remaining party waits. */
    public static Change blind(Call call, UUID actor, UUID target, List<UUID> targetDevices, Duration ringFor,
            OffsetDateTime now) {
        Leg transferor = requireTransferable(call, actor, "transfer");
        if (call.legs().stream().anyMatch(l -> l.live() && target.equals(l.accountId()))) {
            throw CallMachine.illegal(call, "transfer", "the target is already in the call");
        }
        if (targetDevices.isEmpty()) {
            throw CallService.unprocessable("toAccountId", "has no connected device to ring");
        }
        UUID attemptId = UUID.randomUUID();
        Map<String, Object> attemptTarget = new LinkedHashMap<>();
        attemptTarget.put("accountId", target);
        attemptTarget.put("deviceIds", targetDevices);
        attemptTarget.put("transfer", Transfer.BLIND);
        Attempt attempt = new Attempt(attemptId, 1, null, null, "user", attemptTarget, now, null, null, null);
        List<Leg> legs = new ArrayList<>();
        for (Leg l : call.legs()) {
            legs.add(l.id().equals(transferor.id()) ? l.ended(NORMAL, now) : l);
        }
        for (UUID device : targetDevices) {
            legs.add(new Leg(UUID.randomUUID(), TARGET, RINGING, null, target, device, null, false, now, now, null,
                    null));
        }
        Call after = settle(call.withLegs(legs))
                .withTransfer(new Transfer(Transfer.BLIND, Transfer.RINGING, actor, target, null, null, now, null))
                .withTimer(CallStates.RING_TIMEOUT, now.plus(ringFor));
        return new Change(after.nextVersion(), "call.transferred", null, null, List.of(attempt), attemptId);
    }

    /** The blind-transfer target answers on one of its ringing devices: the transfer is complete. */
    public static Change answerTransfer(Call call, UUID actor, UUID deviceId, OffsetDateTime now) {
        Leg chosen = call.legs().stream()
                .filter(l -> TARGET.equals(l.role()) && RINGING.equals(l.state()) && actor.equals(l.accountId()))
                .filter(l -> deviceId == null || deviceId.equals(l.deviceId()))
                .findFirst().orElseThrow(() -> CallMachine.illegal(call, "answer", "no leg of yours is ringing"));
        Call after = call.mapLegs(l -> {
            if (l.id().equals(chosen.id())) {
                return l.answered(now);
            }
            return TARGET.equals(l.role()) && RINGING.equals(l.state()) ? l.ended(CANCELLED, now) : l;
        }).withTimer(null, null).withTransfer(call.transfer().finished(Transfer.COMPLETED, null, now));
        return new Change(settle(after).nextVersion(), "call.transferred", CallStates.ANSWERED,
                "transfer answered on device " + chosen.deviceId());
    }

    /** The transferor starts a consultation: their leg goes on hold while the consult call rings. */
    public static Change consult(Call call, UUID actor, UUID target, UUID consultCallId, OffsetDateTime now) {
        Leg transferor = requireTransferable(call, actor, "consult");
        if (target.equals(actor)) {
            throw CallService.unprocessable("toAccountId", "you cannot transfer to yourself");
        }
        Call after = call.mapLegs(l -> l.id().equals(transferor.id()) ? l.withState(HELD) : l).withState(HELD)
                .withTransfer(new Transfer(Transfer.ATTENDED, Transfer.CONSULTING, actor, target, consultCallId, null,
                        now, null));
        return Change.of(after.nextVersion(), "call.transferred");
    }

    /** Joins the consulted party (answered in the consult call) into the original call in place of the transferor. */
    public static Change complete(Call call, Leg consulted, OffsetDateTime now) {
        List<Leg> legs = new ArrayList<>();
        for (Leg l : call.legs()) {
            legs.add(l.live() && l.accountId() != null && l.accountId().equals(call.transfer().fromAccountId())
                    ? l.ended(NORMAL, now) : l);
        }
        legs.add(new Leg(UUID.randomUUID(), TARGET, ACTIVE, null, consulted.accountId(), consulted.deviceId(), null,
                false, now, consulted.ringingAt(), now, null));
        Call after = settle(call.withLegs(legs)).withTransfer(call.transfer().finished(Transfer.COMPLETED, null, now));
        return Change.of(after.nextVersion(), "call.transferred");
    }

    /** The transferor gives up the consultation and is back with the original party. */
    public static Change cancel(Call call, OffsetDateTime now) {
        UUID transferor = call.transfer().fromAccountId();
        Call after = call.mapLegs(l -> HELD.equals(l.state()) && transferor.equals(l.accountId())
                ? l.withState(ACTIVE) : l);
        after = settle(after).withTransfer(call.transfer().finished(Transfer.CANCELLED, null, now));
        return Change.of(after.nextVersion(), "call.transferred");
    }

    private static Leg requireTransferable(Call call, UUID actor, String action) {
        if (!ACTIVE.equals(call.state()) && !HELD.equals(call.state())) {
            throw CallMachine.illegal(call, action, null);
        }
        if (call.transfer() != null && call.transfer().inProgress()) {
            throw CallMachine.illegal(call, action, "a transfer is already in progress");
        }
        return call.legs().stream().filter(l -> actor.equals(l.accountId())
                && (ACTIVE.equals(l.state()) || HELD.equals(l.state()))).findFirst()
                .orElseThrow(() -> CallMachine.illegal(call, action, "you have no answered leg"));
    }

    /** An answered call is held while any live leg holds, active otherwise. */
    private static Call settle(Call call) {
        boolean held = call.legs().stream().anyMatch(l -> HELD.equals(l.state()));
        return call.withState(held ? HELD : ACTIVE);
    }
}
