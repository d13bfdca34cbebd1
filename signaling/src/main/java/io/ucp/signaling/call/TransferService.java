package io.ucp.signaling.call;

import io.smallrye.mutiny.Uni;
import io.ucp.signaling.config.SignalingConfig;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Blind and attended transfers. Completing or cancelling an attended transfer changes two calls (the original and
 * the consultation); both writes run in one transaction, each still guarded by its call's version.
 */
@ApplicationScoped
public class TransferService {

    private final CallService calls;
    private final CallStore store;
    private final DeviceRegistry devices;
    private final SignalingConfig config;
    private final Pool pool;

    public TransferService(CallService calls, CallStore store, DeviceRegistry devices, SignalingConfig config,
            Pool pool) {
        this.calls = calls;
        this.store = store;
        this.devices = devices;
        this.config = config;
        this.pool = pool;
    }

    public Uni<CallView> blind(Actor actor, UUID callId, UUID target, Idempotency idem) {
        return calls.act(actor, callId, idem, (call, now) -> TransferMachine.blind(call, actor.id(), target,
                devices.devicesOf(target), config.ringTimeout(), now), null);
    }

    /** Holds the call and rings the target in a new consultation call from the transferor's device. */
    public Uni<CallView> consult(Actor actor, UUID callId, UUID target, Idempotency idem) {
        UUID consultId = UUID.randomUUID();
        UUID[] device = new UUID[1];
        boolean[] applied = new boolean[1];
        return calls.act(actor, callId, idem, (call, now) -> {
            Change change = TransferMachine.consult(call, actor.id(), target, consultId, now);
            device[0] = call.legs().stream().filter(l -> l.live() && actor.id().equals(l.accountId()))
                    .map(Leg::deviceId).findFirst().orElse(null);
            if (device[0] == null || !devices.isConnectedBy(device[0], actor.id())) {
                throw CallService.unprocessable("deviceId", "your device in this call is not connected");
            }
            return change;
        }, (call, view) -> applied[0] = true).chain(view -> applied[0]
                ? calls.originateConsult(consultId, actor, device[0], target).replaceWith(view)
                : Uni.createFrom().item(view));
    }

    public Uni<CallView> complete(Actor actor, UUID callId, Idempotency idem) {
        return withConsult(actor, callId, idem, "complete the transfer", true);
    }

    public Uni<CallView> cancel(Actor actor, UUID callId, Idempotency idem) {
        return withConsult(actor, callId, idem, "cancel the transfer", false);
    }

    private Uni<CallView> withConsult(Actor actor, UUID callId, Idempotency idem, String action, boolean complete) {
        String replayKey = idem == null ? null : idem.storeKey(actor);
        return store.load(pool, callId, replayKey).chain(loaded -> {
            if (loaded == null || !CallService.visible(loaded.call(), actor)) {
                throw ProblemException.notFound("Call");
            }
            if (loaded.replay() != null) {
                return Uni.createFrom().item(calls.replayed(loaded.replay(), idem));
            }
            Call original = loaded.call();
            Transfer transfer = original.transfer();
            if (transfer == null || !Transfer.CONSULTING.equals(transfer.state())
                    || !actor.id().equals(transfer.fromAccountId())) {
                throw CallMachine.illegal(original, action, "no consultation of yours is in progress");
            }
            List<java.util.function.Supplier<Uni<Void>>> afterCommit = new ArrayList<>();
            return pool.withTransaction(conn -> store.load(conn, transfer.consultCallId(), null).chain(consultRow -> {
                OffsetDateTime now = CallService.now();
                Call consult = consultRow == null ? null : consultRow.call();
                Change consultChange = null;
                Change originalChange;
                if (complete) {
                    Leg consulted = consult == null || !CallStates.ACTIVE.equals(consult.state()) ? null
                            : consult.legs().stream().filter(l -> !l.isCaller() && CallStates.ACTIVE.equals(l.state()))
                                    .findFirst().orElse(null);
                    if (consulted == null) {
                        throw CallMachine.illegal(original, action, "the consultation call is "
                                + (consult == null ? "gone" : consult.state()));
                    }
                    consultChange = Change.of(consult.ended(CallStates.NORMAL, now).nextVersion(), "call.ended");
                    originalChange = TransferMachine.complete(original, consulted, now);
                } else {
                    if (consult != null && !CallStates.ENDED.equals(consult.state())) {
                        boolean answered = CallStates.ACTIVE.equals(consult.state())
                                || CallStates.HELD.equals(consult.state());
                        String cause = answered ? CallStates.NORMAL : CallStates.CANCELLED;
                        consultChange = new Change(consult.ended(cause, now).nextVersion(), "call.ended",
                                answered ? null : CallStates.CANCELLED, answered ? null : "transfer cancelled");
                    }
                    originalChange = TransferMachine.cancel(original, now);
                }
                CallView originalView = calls.view(originalChange.after());
                String stored = replayKey == null ? null : calls.json(CallService.replayEntry(idem, originalView));
                Change c2 = consultChange;
                Uni<Boolean> first = c2 == null ? Uni.createFrom().item(true)
                        : store.write(conn, consult, c2, now, null, null, calls.events(c2, calls.view(c2.after())));
                return first.chain(ok -> store.write(conn, original, originalChange, now, replayKey, stored,
                        calls.events(originalChange, originalView))).map(won -> {
                            if (!won) {
                                throw ProblemException.conflict("The call changed meanwhile; try again");
                            }
                            if (c2 != null) {
                                CallView consultView = calls.view(c2.after());
                                afterCommit.add(() -> calls.notifyDevices(consult, c2.after(), consultView));
                            }
                            afterCommit.add(() -> calls.notifyDevices(original, originalChange.after(), originalView));
                            return originalView;
                        });
            })).call(() -> Uni.join().all(afterCommit.stream().map(java.util.function.Supplier::get).toList())
                    .andCollectFailures().replaceWithVoid());
        });
    }
}
