package io.ucp.signaling.call;

import static io.ucp.signaling.call.CallStates.ACTIVE;
import static io.ucp.signaling.call.CallStates.ANSWERED;
import static io.ucp.signaling.call.CallStates.CANCELLED;
import static io.ucp.signaling.call.CallStates.ENDED;
import static io.ucp.signaling.call.CallStates.HELD;
import static io.ucp.signaling.call.CallStates.NORMAL;
import static io.ucp.signaling.call.CallStates.REJECTED;
import static io.ucp.signaling.call.CallStates.RINGING;

import io.ucp.signaling.platform.problem.ProblemException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * The call state machine: created → routing → ringing → active ⇄ held → ended. Pure functions of the current call;
 * an action the state does not allow is a 409 naming the current state. Every accepted change bumps the version.
 */
public final class CallMachine {

    private CallMachine() {
    }

    /** The actor answers on one of their ringing legs (a given device, or the first one ringing). */
    public static Change answer(Call call, UUID actor, UUID deviceId, OffsetDateTime now) {
        if (transferRinging(call)) {
            return TransferMachine.answerTransfer(call, actor, deviceId, now);
        }
        require(call, "answer", RINGING);
        Leg chosen = call.legs().stream()
                .filter(l -> !l.isCaller() && RINGING.equals(l.state()) && actor.equals(l.accountId()))
                .filter(l -> deviceId == null || deviceId.equals(l.deviceId()))
                .findFirst().orElseThrow(() -> illegal(call, "answer", "no leg of yours is ringing"
                        + (deviceId == null ? "" : " on device " + deviceId)));
        Call after = call.answered(now).mapLegs(l -> {
            if (l.id().equals(chosen.id()) || l.isCaller()) {
                return l.answered(now);
            }
            // Other devices that rang for this call stop ringing: answered elsewhere.
            return l.live() ? l.ended(CANCELLED, now) : l;
        });
        return new Change(after.nextVersion(), "call.answered", ANSWERED, "answered on device " + chosen.deviceId());
    }

    /** The callee declines: the whole call ends rejected. */
    public static Change reject(Call call, UUID actor, OffsetDateTime now) {
        if (!transferRinging(call)) {
            require(call, "reject", RINGING);
        }
        boolean ringsForActor = call.legs().stream()
                .anyMatch(l -> !l.isCaller() && RINGING.equals(l.state()) && actor.equals(l.accountId()));
        if (!ringsForActor) {
            throw illegal(call, "reject", "no leg of yours is ringing");
        }
        return new Change(call.ended(REJECTED, now).nextVersion(), "call.ended", REJECTED, "rejected by callee");
    }

    /** One device declines: only its leg ends, unless it was the last one ringing. */
    public static Change rejectOnDevice(Call call, UUID actor, UUID deviceId, OffsetDateTime now) {
        if (!transferRinging(call)) {
            require(call, "reject", RINGING);
        }
        Leg leg = ringingLegOn(call, actor, deviceId)
                .orElseThrow(() -> illegal(call, "reject", "device " + deviceId + " is not ringing"));
        boolean othersRinging = call.legs().stream()
                .anyMatch(l -> !l.isCaller() && RINGING.equals(l.state()) && !l.id().equals(leg.id()));
        if (!othersRinging) {
            return reject(call, actor, now);
        }
        return Change.of(call.mapLegs(l -> l.id().equals(leg.id()) ? l.ended(REJECTED, now) : l).nextVersion(), null);
    }

    /** A device (typically a trunk) reports the called party busy: the call ends busy. */
    public static Change busy(Call call, UUID actor, UUID deviceId, OffsetDateTime now) {
        require(call, "report busy", RINGING);
        ringingLegOn(call, actor, deviceId)
                .orElseThrow(() -> illegal(call, "report busy", "device " + deviceId + " is not ringing"));
        return new Change(call.ended(CallStates.BUSY, now).nextVersion(), "call.ended", CallStates.BUSY,
                "the called party is busy");
    }

    /**
     * Hang up: the caller cancels a ringing call, a ringing callee declines it, an answered call ends normally.
     * An admin may end any call.
     */
    public static Change hangup(Call call, UUID actor, boolean admin, OffsetDateTime now) {
        require(call, "hang up", RINGING, ACTIVE, HELD, CallStates.CREATED, CallStates.ROUTING);
        if (!ACTIVE.equals(call.state()) && !HELD.equals(call.state())) {
            boolean callee = !actor.equals(call.callerAccountId()) && call.legs().stream()
                    .anyMatch(l -> !l.isCaller() && l.live() && actor.equals(l.accountId()));
            if (callee) {
                return reject(call, actor, now);
            }
            return new Change(call.ended(CANCELLED, now).nextVersion(), "call.ended", CANCELLED,
                    admin && !call.isParty(actor) ? "ended by an administrator" : "caller hung up");
        }
        if (!admin && liveLegOf(call, actor).isEmpty()) {
            throw illegal(call, "hang up", "you have no live leg in this call");
        }
        boolean onlyRinging = call.legs().stream().filter(l -> l.live() && actor.equals(l.accountId()))
                .allMatch(l -> RINGING.equals(l.state()));
        if (!admin && onlyRinging && transferRinging(call)) {
            return reject(call, actor, now);
        }
        return Change.of(call.ended(NORMAL, now).nextVersion(), "call.ended");
    }

    public static Change hold(Call call, UUID actor) {
        require(call, "hold", ACTIVE);
        Leg leg = liveLegOf(call, actor).orElseThrow(() -> illegal(call, "hold", "you have no live leg"));
        Call after = call.withState(HELD).mapLegs(l -> l.id().equals(leg.id()) ? l.withState(HELD) : l);
        return Change.of(after.nextVersion(), "call.held");
    }

    /** Only the party who put the call on hold takes it off hold. */
    public static Change resume(Call call, UUID actor) {
        require(call, "resume", HELD);
        Leg leg = call.legs().stream().filter(l -> HELD.equals(l.state()) && actor.equals(l.accountId()))
                .findFirst().orElseThrow(() -> illegal(call, "resume", "the call was not held by you"));
        Call after = call.withState(ACTIVE).mapLegs(l -> l.id().equals(leg.id()) ? l.withState(ACTIVE) : l);
        return Change.of(after.nextVersion(), "call.resumed");
    }

    /** Mute or unmute one's own leg (an admin: any leg). No event: media state, not call state. */
    public static Change mute(Call call, UUID actor, boolean admin, UUID legId, boolean muted) {
        Leg leg = call.legs().stream().filter(l -> l.id().equals(legId)).findFirst()
                .orElseThrow(() -> ProblemException.notFound("Leg"));
        if (!admin && !actor.equals(leg.accountId())) {
            throw ProblemException.notFound("Leg");
        }
        if (!leg.live() || ENDED.equals(call.state())) {
            throw illegal(call, muted ? "mute" : "unmute", "the leg has ended");
        }
        return Change.of(call.mapLegs(l -> l.id().equals(legId) ? l.withMuted(muted) : l).nextVersion(), null);
    }

    /** DTMF needs an answered call and a live leg of the sender; it changes nothing in the call. */
    public static Leg dtmfSender(Call call, UUID actor) {
        require(call, "send DTMF", ACTIVE, HELD);
        return call.legs().stream().filter(l -> actor.equals(l.accountId()) && ACTIVE.equals(l.state())).findFirst()
                .orElseThrow(() -> illegal(call, "send DTMF", "you have no active leg"));
    }

    /** A blind transfer's target is ringing (the call itself stays answered). */
    static boolean transferRinging(Call call) {
        return call.transfer() != null && Transfer.RINGING.equals(call.transfer().state())
                && (ACTIVE.equals(call.state()) || HELD.equals(call.state()));
    }

    private static Optional<Leg> liveLegOf(Call call, UUID actor) {
        return call.legs().stream().filter(l -> l.live() && actor.equals(l.accountId())).findFirst();
    }

    private static Optional<Leg> ringingLegOn(Call call, UUID actor, UUID deviceId) {
        return call.legs().stream().filter(l -> !l.isCaller() && RINGING.equals(l.state())
                && actor.equals(l.accountId()) && deviceId.equals(l.deviceId())).findFirst();
    }

    private static void require(Call call, String action, String... allowed) {
        for (String state : allowed) {
            if (state.equals(call.state())) {
                return;
            }
        }
        throw illegal(call, action, null);
    }

    public static ProblemException illegal(Call call, String action, String why) {
        return ProblemException.conflict("Cannot " + action + ": the call is " + call.state()
                + (why == null ? "" : " and " + why) + " (current state: " + call.state() + ", version "
                + call.version() + ")");
    }
}
