package io.ucp.signaling.history;

import io.ucp.signaling.call.CallView;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a finished call's snapshot into one history entry per account that took part: the caller, the callee, and
 * every account that had a leg (devices rung, queue agents offered the call, transfer targets). Pure: the snapshot in,
 * the entries out, so the rules below have plain unit tests.
 *
 * <p>Outcome, from the entry owner's point of view:
 * <ul>
 * <li>caller: {@code answered} once anybody answered; else the call's end: {@code busy}, {@code rejected},
 * {@code cancelled} (the caller gave up), {@code no-answer} (nobody picked up: ring or queue timeout), {@code failed}
 * (anything else, e.g. no funds, no route);</li>
 * <li>anybody else: {@code answered} if one of their legs answered; {@code answered-elsewhere} if another party
 * answered it (a ring-all queue, a shared line); {@code rejected} if they declined it; {@code busy} when the call
 * ended busy for them; otherwise {@code missed} — it rang for them (or was meant for them while they were offline) and
 * nobody answered. Only {@code missed} counts towards the missed-calls badge.</li>
 * </ul>
 * A callee who was never rung and for whom the call failed before it could ring (the caller had no funds, no route)
 * gets no entry: nothing reached them.
 */
public final class HistoryProjection {

    private HistoryProjection() {
    }

    /** One party's entry, as stored. */
    public record PartyEntry(UUID accountId, UUID callId, Direction direction, boolean internal, String role,
            Outcome outcome, UUID peerAccountId, String peerNumber, UUID peerQueueId, UUID queueId,
            OffsetDateTime startedAt, OffsetDateTime answeredAt, OffsetDateTime endedAt, long durationSeconds,
            String endCause) {
    }

    public enum Direction {
        OUTGOING("outgoing"), INCOMING("incoming");

        public final String wire;

        Direction(String wire) {
            this.wire = wire;
        }
    }

    public enum Outcome {
        ANSWERED("answered"), MISSED("missed"), REJECTED("rejected"), BUSY("busy"), CANCELLED("cancelled"),
        FAILED("failed"), NO_ANSWER("no-answer"), ANSWERED_ELSEWHERE("answered-elsewhere");

        public final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        public static Outcome ofWire(String wire) {
            for (Outcome o : values()) {
                if (o.wire.equals(wire)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown outcome " + wire);
        }
    }

    public static List<PartyEntry> entries(CallView call) {
        if (call.endedAt() == null || call.endCause() == null) {
            return List.of(); // only finished calls have a history entry
        }
        OffsetDateTime started = call.createdAt();
        long duration = call.answeredAt() == null ? 0
                : Math.max(0, Duration.between(call.answeredAt(), call.endedAt()).toSeconds());
        boolean internal = "internal".equals(call.direction()) && call.callerAccountId() != null
                && !"number".equals(call.calleeKind());
        boolean answeredByAnyone = call.answeredAt() != null;

        // Every account with a leg, in the order they joined, with their own role and whether they answered/declined.
        Map<UUID, Party> parties = new LinkedHashMap<>();
        for (CallView.LegView leg : call.legs()) {
            if (leg.accountId() == null || leg.accountId().equals(call.callerAccountId())) {
                continue;
            }
            Party p = parties.computeIfAbsent(leg.accountId(), id -> new Party(leg.role()));
            p.answeredAt = earliest(p.answeredAt, leg.answeredAt());
            p.rejected |= "rejected".equals(leg.endCause());
            p.busy |= "busy".equals(leg.endCause());
        }
        // A callee who was never rung (offline, forwarded) still had the call meant for them.
        if (call.calleeAccountId() != null && !call.calleeAccountId().equals(call.callerAccountId())) {
            parties.computeIfAbsent(call.calleeAccountId(), id -> {
                Party p = new Party("callee");
                p.neverRung = true;
                return p;
            });
        }

        List<PartyEntry> out = new ArrayList<>();
        if (call.callerAccountId() != null) {
            out.add(new PartyEntry(call.callerAccountId(), call.callId(), Direction.OUTGOING, internal, "caller",
                    callerOutcome(call), call.calleeAccountId(), "number".equals(call.calleeKind())
                            ? call.calleeNumber() : null,
                    "queue".equals(call.calleeKind()) ? call.queueId() : null, call.queueId(), started,
                    call.answeredAt(), call.endedAt(), duration, call.endCause()));
        }
        for (Map.Entry<UUID, Party> e : parties.entrySet()) {
            Party p = e.getValue();
            Outcome outcome = partyOutcome(call, p, answeredByAnyone);
            if (outcome == null) {
                continue;
            }
            long mine = p.answeredAt == null ? 0
                    : Math.max(0, Duration.between(p.answeredAt, call.endedAt()).toSeconds());
            // A transfer target talks to whoever stayed: the callee when the caller transferred, else the caller.
            boolean callerLeft = "transfer-target".equals(p.role) && call.transfer() != null
                    && call.callerAccountId() != null && call.callerAccountId().equals(call.transfer().fromAccountId());
            UUID peerAccount = callerLeft ? call.calleeAccountId() : call.callerAccountId();
            String peerNumber = callerLeft ? ("number".equals(call.calleeKind()) ? call.calleeNumber() : null)
                    : call.callerAccountId() == null ? call.callerNumber() : null;
            out.add(new PartyEntry(e.getKey(), call.callId(), Direction.INCOMING, internal, role(p.role), outcome,
                    peerAccount, peerNumber, null, call.queueId(), started, p.answeredAt, call.endedAt(), mine,
                    call.endCause()));
        }
        return out;
    }

    static Outcome callerOutcome(CallView call) {
        if (call.answeredAt() != null) {
            return Outcome.ANSWERED;
        }
        return switch (call.endCause()) {
            case "busy" -> Outcome.BUSY;
            case "rejected" -> Outcome.REJECTED;
            case "cancelled" -> Outcome.CANCELLED;
            case "no-answer", "timeout" -> Outcome.NO_ANSWER;
            default -> Outcome.FAILED;
        };
    }

    private static Outcome partyOutcome(CallView call, Party p, boolean answeredByAnyone) {
        if (p.answeredAt != null) {
            return Outcome.ANSWERED;
        }
        if (answeredByAnyone) {
            return Outcome.ANSWERED_ELSEWHERE;
        }
        if (p.rejected) {
            return Outcome.REJECTED;
        }
        if (p.busy || (p.neverRung && "busy".equals(call.endCause()))) {
            return Outcome.BUSY;
        }
        if (p.neverRung && !List.of("no-answer", "cancelled", "timeout", "rejected").contains(call.endCause())) {
            return null; // failed before it could reach them (funds, route): nothing to show
        }
        return Outcome.MISSED;
    }

    private static String role(String legRole) {
        return switch (legRole) {
            case "agent", "transfer-target" -> legRole;
            default -> "callee";
        };
    }

    private static OffsetDateTime earliest(OffsetDateTime a, OffsetDateTime b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private static final class Party {
        final String role;
        OffsetDateTime answeredAt;
        boolean rejected;
        boolean busy;
        boolean neverRung;

        Party(String role) {
            this.role = role;
        }
    }
}
