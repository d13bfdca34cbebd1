package io.ucp.signaling.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucp.signaling.call.CallView;
import io.ucp.signaling.call.CallView.LegView;
import io.ucp.signaling.call.Transfer;
import io.ucp.signaling.history.HistoryProjection.Direction;
import io.ucp.signaling.history.HistoryProjection.Outcome;
import io.ucp.signaling.history.HistoryProjection.PartyEntry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Who gets which history entry from a finished call's snapshot. */
class HistoryProjectionTest {

    private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 12, 4, 10, 0, 0, 0, ZoneOffset.UTC);
    private final UUID alice = UUID.randomUUID();
    private final UUID bob = UUID.randomUUID();
    private final UUID carol = UUID.randomUUID();

    @Test
    void anAnsweredInternalCallIsOutgoingForTheCallerAndIncomingForTheCallee() {
        CallView call = new Snapshot(alice, bob).answeredAt(5).endedAt(65).end("normal")
                .leg(alice, "caller", "normal", 5).leg(bob, "callee", "normal", 5).leg(bob, "callee", "cancelled", -1)
                .build();
        Map<UUID, PartyEntry> byAccount = byAccount(HistoryProjection.entries(call));

        assertThat(byAccount).hasSize(2);
        PartyEntry a = byAccount.get(alice);
        assertThat(a.direction()).isEqualTo(Direction.OUTGOING);
        assertThat(a.role()).isEqualTo("caller");
        assertThat(a.outcome()).isEqualTo(Outcome.ANSWERED);
        assertThat(a.peerAccountId()).isEqualTo(bob);
        assertThat(a.internal()).isTrue();
        assertThat(a.durationSeconds()).isEqualTo(60);
        PartyEntry b = byAccount.get(bob);
        assertThat(b.direction()).isEqualTo(Direction.INCOMING);
        assertThat(b.outcome()).isEqualTo(Outcome.ANSWERED);
        assertThat(b.peerAccountId()).isEqualTo(alice);
        assertThat(b.durationSeconds()).isEqualTo(60);
    }

    @Test
    void aCallTheCallerGaveUpOnIsCancelledForTheCallerAndMissedForTheCallee() {
        CallView call = new Snapshot(alice, bob).endedAt(8).end("cancelled")
                .leg(alice, "caller", "cancelled", -1).leg(bob, "callee", "cancelled", -1).build();
        Map<UUID, PartyEntry> byAccount = byAccount(HistoryProjection.entries(call));
        assertThat(byAccount.get(alice).outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(byAccount.get(bob).outcome()).isEqualTo(Outcome.MISSED);
        assertThat(byAccount.get(bob).durationSeconds()).isZero();
    }

    @Test
    void noAnswerRejectAndBusyAreTheCallersOutcomeAndOnlyAnUnansweredRingIsMissed() {
        CallView noAnswer = new Snapshot(alice, bob).endedAt(30).end("no-answer")
                .leg(alice, "caller", "no-answer", -1).leg(bob, "callee", "no-answer", -1).build();
        assertThat(byAccount(HistoryProjection.entries(noAnswer)).get(alice).outcome()).isEqualTo(Outcome.NO_ANSWER);
        assertThat(byAccount(HistoryProjection.entries(noAnswer)).get(bob).outcome()).isEqualTo(Outcome.MISSED);

        CallView rejected = new Snapshot(alice, bob).endedAt(3).end("rejected")
                .leg(alice, "caller", "rejected", -1).leg(bob, "callee", "rejected", -1).build();
        assertThat(byAccount(HistoryProjection.entries(rejected)).get(alice).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(byAccount(HistoryProjection.entries(rejected)).get(bob).outcome()).isEqualTo(Outcome.REJECTED);

        CallView busy = new Snapshot(alice, bob).endedAt(1).end("busy").leg(alice, "caller", "busy", -1).build();
        assertThat(byAccount(HistoryProjection.entries(busy)).get(alice).outcome()).isEqualTo(Outcome.BUSY);
        assertThat(byAccount(HistoryProjection.entries(busy)).get(bob).outcome()).isEqualTo(Outcome.BUSY);
    }

    @Test
    void anOfflineCalleeStillMissesTheCallButNotOneThatFailedBeforeItCouldReachThem() {
        CallView offline = new Snapshot(alice, bob).endedAt(0).end("no-answer").leg(alice, "caller", "no-answer", -1)
                .build();
        assertThat(byAccount(HistoryProjection.entries(offline)).get(bob).outcome()).isEqualTo(Outcome.MISSED);

        CallView noFunds = new Snapshot(alice, bob).endedAt(0).end("insufficient-funds")
                .leg(alice, "caller", "insufficient-funds", -1).build();
        Map<UUID, PartyEntry> entries = byAccount(HistoryProjection.entries(noFunds));
        assertThat(entries).containsOnlyKeys(alice);
        assertThat(entries.get(alice).outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void queueAgentsWhoDidNotTakeACallSomebodyAnsweredSeeItAnsweredElsewhere() {
        UUID queue = UUID.randomUUID();
        CallView call = new Snapshot(alice, null).queue(queue).answeredAt(10).endedAt(70).end("normal")
                .leg(alice, "caller", "normal", 10).leg(bob, "agent", "normal", 10).leg(carol, "agent", "cancelled", -1)
                .build();
        Map<UUID, PartyEntry> byAccount = byAccount(HistoryProjection.entries(call));
        assertThat(byAccount.get(alice).peerQueueId()).isEqualTo(queue);
        assertThat(byAccount.get(bob).role()).isEqualTo("agent");
        assertThat(byAccount.get(bob).outcome()).isEqualTo(Outcome.ANSWERED);
        assertThat(byAccount.get(carol).outcome()).isEqualTo(Outcome.ANSWERED_ELSEWHERE);
        assertThat(byAccount.get(carol).queueId()).isEqualTo(queue);
    }

    @Test
    void aTransferTargetTalksToThePartyWhoStayed() {
        // Alice called Bob; Alice (the caller) transferred Bob to Carol: Carol's peer is Bob.
        CallView call = new Snapshot(alice, bob).answeredAt(2).endedAt(100).end("normal")
                .leg(alice, "caller", "normal", 2).leg(bob, "callee", "normal", 2)
                .leg(carol, "transfer-target", "normal", 40)
                .transfer(new Transfer("blind", "completed", alice, carol, null, null, T0, T0)).build();
        PartyEntry c = byAccount(HistoryProjection.entries(call)).get(carol);
        assertThat(c.role()).isEqualTo("transfer-target");
        assertThat(c.peerAccountId()).isEqualTo(bob);
        assertThat(c.durationSeconds()).isEqualTo(60);

        // Bob (the callee) transferred Alice to Carol: Carol's peer is Alice.
        CallView other = new Snapshot(alice, bob).answeredAt(2).endedAt(100).end("normal")
                .leg(alice, "caller", "normal", 2).leg(bob, "callee", "normal", 2)
                .leg(carol, "transfer-target", "normal", 40)
                .transfer(new Transfer("blind", "completed", bob, carol, null, null, T0, T0)).build();
        assertThat(byAccount(HistoryProjection.entries(other)).get(carol).peerAccountId()).isEqualTo(alice);
    }

    @Test
    void callsWithOutsideNumbersNameTheNumberAndAreNotInternal() {
        CallView inbound = new Snapshot(null, bob).direction("inbound").callerNumber("+4930555000").answeredAt(1)
                .endedAt(11).end("normal").leg(bob, "callee", "normal", 1).build();
        PartyEntry b = byAccount(HistoryProjection.entries(inbound)).get(bob);
        assertThat(b.peerNumber()).isEqualTo("+4930555000");
        assertThat(b.peerAccountId()).isNull();
        assertThat(b.internal()).isFalse();

        CallView outbound = new Snapshot(alice, null).direction("outbound").calleeNumber("+4930555123").answeredAt(1)
                .endedAt(11).end("normal").leg(alice, "caller", "normal", 1).build();
        PartyEntry a = byAccount(HistoryProjection.entries(outbound)).get(alice);
        assertThat(a.direction()).isEqualTo(Direction.OUTGOING);
        assertThat(a.peerNumber()).isEqualTo("+4930555123");
        assertThat(a.internal()).isFalse();
    }

    @Test
    void aCallStillInProgressHasNoEntries() {
        CallView active = new Snapshot(alice, bob).answeredAt(1).leg(alice, "caller", null, 1).build();
        assertThat(HistoryProjection.entries(active)).isEmpty();
    }

    private static Map<UUID, PartyEntry> byAccount(List<PartyEntry> entries) {
        assertThat(entries.stream().map(PartyEntry::accountId).distinct().count()).as("one entry per account")
                .isEqualTo(entries.size());
        return entries.stream().collect(Collectors.toMap(PartyEntry::accountId, Function.identity()));
    }

    /** A call.ended snapshot with only what the projection reads. Times are seconds after T0. */
    private static final class Snapshot {
        private final UUID caller;
        private final UUID callee;
        private String direction = "internal";
        private String calleeKind;
        private String callerNumber;
        private String calleeNumber;
        private UUID queue;
        private OffsetDateTime answeredAt;
        private OffsetDateTime endedAt;
        private String endCause;
        private Transfer transfer;
        private final List<LegView> legs = new ArrayList<>();

        Snapshot(UUID caller, UUID callee) {
            this.caller = caller;
            this.callee = callee;
            this.calleeKind = callee == null ? "queue" : "user";
        }

        Snapshot direction(String d) {
            direction = d;
            return this;
        }

        Snapshot callerNumber(String n) {
            callerNumber = n;
            return this;
        }

        Snapshot calleeNumber(String n) {
            calleeNumber = n;
            calleeKind = "number";
            return this;
        }

        Snapshot queue(UUID q) {
            queue = q;
            calleeKind = "queue";
            return this;
        }

        Snapshot answeredAt(int s) {
            answeredAt = T0.plusSeconds(s);
            return this;
        }

        Snapshot endedAt(int s) {
            endedAt = T0.plusSeconds(s);
            return this;
        }

        Snapshot end(String cause) {
            endCause = cause;
            return this;
        }

        Snapshot transfer(Transfer t) {
            transfer = t;
            return this;
        }

        /** answered: seconds after T0 the leg answered, or -1 for never. */
        Snapshot leg(UUID account, String role, String cause, int answered) {
            legs.add(new LegView(UUID.randomUUID(), account, UUID.randomUUID(), role, cause == null ? "active" : "ended",
                    cause, false, answered < 0 ? null : T0.plusSeconds(answered), cause == null ? null : endedAt, null));
            return this;
        }

        CallView build() {
            return new CallView(UUID.randomUUID(), direction, endCause == null ? "active" : "ended", endCause, caller,
                    null, callerNumber, callee, calleeNumber, calleeKind, caller, queue, T0, T0, answeredAt, endedAt,
                    0, 0, legs, transfer, null, 3, false);
        }
    }
}
