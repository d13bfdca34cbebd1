package io.ucp.signaling.call;

import static io.ucp.signaling.call.CallStates.CREATED;
import static io.ucp.signaling.call.CallStates.RINGING;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.config.SignalingConfig;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.platform.problem.Problem;
import io.ucp.signaling.routing.AccountCopies;
import io.ucp.signaling.routing.Attempt;
import io.ucp.signaling.routing.RoutingEngine;
import io.ucp.signaling.routing.RuleReader;
import io.ucp.signaling.routing.Step;
import io.ucp.signaling.platform.problem.ProblemException;
import io.ucp.signaling.queue.QueueEngine;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Call control: originate, the actions of the state machine, reads. Each action is one read and one atomic write
 * (see {@link CallStore}); a write that lost a version race is re-evaluated against the new state, so of a
 * concurrent hang-up and hold exactly one wins and the other gets a 409 naming the state it found.
 */
@ApplicationScoped
public class CallService {

    private static final int RACE_RETRIES = 3;
    private static final String LIST_MINE = "SELECT " + CallStore.COLUMNS + " FROM call_sessions c "
            + "WHERE c.state <> 'ended' AND (c.caller_account_id = $1 OR c.callee_account_id = $1 OR EXISTS "
            + "(SELECT 1 FROM call_legs x WHERE x.call_id = c.id AND x.account_id = $1 AND x.state <> 'ended')) "
            + "AND ($2::timestamptz IS NULL OR (c.created_at, c.id) > ($2::timestamptz, $3::uuid)) "
            + "ORDER BY c.created_at, c.id LIMIT $4";
    private static final String LIST_ALL = "SELECT " + CallStore.COLUMNS + " FROM call_sessions c "
            + "WHERE c.state <> 'ended' AND ($2::timestamptz IS NULL OR (c.created_at, c.id) > ($2::timestamptz, $3::uuid)) "
            + "AND $1::uuid IS NULL ORDER BY c.created_at, c.id LIMIT $4";
    private static final String LIVE_LEGS = "SELECT id, account_id, device_id FROM call_legs "
            + "WHERE call_id = $1 AND state <> 'ended'";

    private final Pool pool;
    private final CallStore store;
    private final DeviceRegistry devices;
    private final ObjectMapper mapper;
    private final SignalingConfig config;
    private final AccountCopies copies;
    private final TrunkRoutes trunks;
    private final ActiveCallCache cache;
    private final QueueEngine queues;
    private final String topic;

    public CallService(Pool pool, CallStore store, DeviceRegistry devices, ObjectMapper mapper,
            SignalingConfig config, AccountCopies copies, TrunkRoutes trunks, ActiveCallCache cache,
            QueueEngine queues, @ConfigProperty(name = "ucp.topics.call-events") String topic) {
        this.queues = queues;
        this.copies = copies;
        this.cache = cache;
        this.trunks = trunks;
        this.pool = pool;
        this.store = store;
        this.devices = devices;
        this.mapper = mapper;
        this.config = config;
        this.topic = topic;
    }

    // ---- originate

    /**
     * An internal call from one of the caller's connected devices to another user: runs the callee's routing plan
     * (their rules from the local copy, or ring all their connected devices) in the same statement that creates it.
     */
    public Uni<CallView> originate(Actor actor, UUID deviceId, UUID callee, Idempotency idem) {
        if (callee.equals(actor.id())) {
            return Uni.createFrom().failure(unprocessable("toAccountId", "you cannot call yourself"));
        }
        if (!devices.isConnectedBy(deviceId, actor.id())) {
            return Uni.createFrom().failure(unprocessable("deviceId",
                    "is not a device of yours connected to the device channel"));
        }
        return place(actor, Dial.internal(UUID.randomUUID(), actor.id(), deviceId, callee), idem);
    }

    /** An outbound call to an E.164 number; it leaves through a trunk chosen by the outbound route table. */
    public Uni<CallView> originateToNumber(Actor actor, UUID deviceId, String number, Idempotency idem) {
        if (!devices.isConnectedBy(deviceId, actor.id())) {
            return Uni.createFrom().failure(unprocessable("deviceId",
                    "is not a device of yours connected to the device channel"));
        }
        return place(actor, new Dial(UUID.randomUUID(), "outbound", actor.id(), actor.id(), deviceId, null, "number",
                null, number, null), idem);
    }

    /** A call from one of the caller's connected devices into a queue: the caller waits there for an agent. */
    public Uni<CallView> originateToQueue(Actor actor, UUID deviceId, UUID queueId, Idempotency idem) {
        if (!devices.isConnectedBy(deviceId, actor.id())) {
            return Uni.createFrom().failure(unprocessable("deviceId",
                    "is not a device of yours connected to the device channel"));
        }
        return pool.preparedQuery("SELECT 1 FROM call_queues WHERE id = $1").execute(Tuple.of(queueId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Queue");
                    }
                    return place(actor, new Dial(UUID.randomUUID(), "internal", actor.id(), actor.id(), deviceId,
                            null, "queue", null, null, null, queueId), idem);
                });
    }

    /** A trunk reports a call from outside to a number; it enters the routing of the user who owns the number. */
    public Uni<CallView> inbound(Actor trunk, UUID trunkDevice, String fromNumber, String toNumber, Idempotency idem) {
        if (!devices.isTrunk(trunkDevice, trunk.id())) {
            return Uni.createFrom().failure(unprocessable("deviceId",
                    "is not a trunk of yours connected to the device channel"));
        }
        return copies.ownerOfNumber(toNumber).chain(owner -> {
            if (owner == null) {
                throw ProblemException.notFound("Number " + toNumber);
            }
            return place(trunk, new Dial(UUID.randomUUID(), "inbound", null, trunk.id(), trunkDevice, fromNumber,
                    "user", owner, toNumber, trunkDevice), idem);
        });
    }

    private Uni<CallView> place(Actor actor, Dial dial, Idempotency idem) {
        String replayKey = idem == null ? null : idem.storeKey(actor);
        Uni<String> replay = idem == null ? Uni.createFrom().nullItem()
                : store.originateReplay(pool, dial.callerAccountId(), dial.trunkDeviceId(), idem.key(), replayKey);
        return replay.chain(stored -> {
            if (stored != null) {
                return Uni.createFrom().item(replayed(stored, idem));
            }
            UUID callee = dial.calleeAccountId();
            UUID caller = dial.callerAccountId() == null ? dial.callerLegAccount() : dial.callerAccountId();
            return copies.facts(caller, callee == null ? caller : callee).chain(facts -> {
                if (facts.callerSuspended()) {
                    throw ProblemException.forbidden("Your account is suspended");
                }
                Uni<Boolean> busy = callee == null ? Uni.createFrom().item(false) : store.isBusy(pool, callee);
                return busy.chain(isBusy -> createCall(dial, isBusy, facts, idem, replayKey));
            });
        });
    }

    /** A consultation call for an attended transfer: an ordinary internal call with a chosen id. */
    Uni<CallView> originateConsult(UUID consultCallId, Actor actor, UUID deviceId, UUID callee) {
        return copies.facts(actor.id(), callee).chain(facts -> store.isBusy(pool, callee)
                .chain(busy -> createCall(Dial.internal(consultCallId, actor.id(), deviceId, callee), busy, facts,
                        null, null)));
    }

    private Uni<CallView> createCall(Dial dial, boolean busy, AccountCopies.Facts facts, Idempotency idem,
            String replayKey) {
        OffsetDateTime now = now();
        UUID callee = dial.calleeAccountId();
        Leg callerLeg = new Leg(UUID.randomUUID(), Leg.CALLER, CREATED, null, dial.callerLegAccount(),
                dial.callerDeviceId(), "inbound".equals(dial.direction()) ? dial.callerNumber() : null, false, now,
                null, null, null);
        Call created = new Call(dial.callId(), dial.direction(), CREATED, null, dial.callerAccountId(),
                dial.callerDeviceId(), dial.callerNumber(), dial.calleeKind(), callee, dial.calleeNumber(), null, now,
                null, null, null, null, null, "[]", 0, List.of(callerLeg), null, null);
        List<Attempt> attempts = new ArrayList<>();
        UUID ringingAttempt = null;
        UUID trunkDevice = dial.trunkDeviceId();
        Call last;
        String secondEvent = "call.ended";
        Map<String, Object> calleeTarget = new LinkedHashMap<>();
        calleeTarget.put("accountId", callee);
        if (facts.callerOutOfFunds()) {
            last = created.ended(CallStates.INSUFFICIENT_FUNDS, now);
        } else if (callee != null && facts.calleeSuspended()) {
            attempts.add(new Attempt(UUID.randomUUID(), 1, null, null, "user", calleeTarget, now, now,
                    CallStates.FAILED, "callee account is suspended"));
            last = created.ended(CallStates.FAILED, now);
        } else if (busy) {
            attempts.add(new Attempt(UUID.randomUUID(), 1, null, null, "user", calleeTarget, now, now,
                    CallStates.BUSY, "callee is on another call"));
            last = created.ended(CallStates.BUSY, now);
        } else {
            RoutingEngine.Outcome outcome;
            if (dial.queueId() != null) {
                outcome = new RoutingEngine.Outcome(List.of(), null, null, List.of(), Step.queue(dial.queueId()));
            } else if (callee == null) {
                outcome = trunks.route(dial.calleeNumber(), now);
                if (outcome.ringing()) {
                    trunkDevice = outcome.ringingLegs().get(0).deviceId();
                }
            } else {
                List<Step> plan = RuleReader.plan(facts.calleeRules(), dial.callerNumber(), now.toInstant(),
                        facts.calleeZone(), facts.calleePresence(), (int) config.ringTimeout().toSeconds());
                outcome = RoutingEngine.run(plan, 1, callee, devices::devicesOf, number -> trunks.route(number, now),
                        now);
                if (outcome.forwardedTo() != null) {
                    trunkDevice = outcome.ringingLegs().get(0).deviceId();
                }
            }
            attempts.addAll(outcome.attempts());
            if (outcome.queued()) {
                return createQueued(dial, created, trunkDevice, attempts, outcome.queue(), idem, replayKey, now);
            }
            if (outcome.ringing()) {
                List<Leg> legs = new ArrayList<>();
                legs.add(callerLeg);
                legs.addAll(outcome.ringingLegs());
                ringingAttempt = RoutingEngine.openAttempt(outcome);
                last = created.withState(RINGING).withLegs(legs).ringing(now)
                        .withTimer(CallStates.RING_TIMEOUT, now.plus(outcome.ringFor()));
                if (outcome.forwardedTo() != null) {
                    last = last.forwardedTo(outcome.forwardedTo());
                }
                secondEvent = "call.ringing";
            } else {
                last = created.ended(outcome.endCause(), now);
            }
        }
        last = last.nextVersion();
        CallView lastView = view(last);
        List<Object> events = List.of(event("call.created", view(created)), event(secondEvent, lastView));
        String actionKeys = replayKey == null ? null : json(Map.of(replayKey, replayEntry(idem, lastView)));
        Call inserted = last;
        return store.originate(pool, last, trunkDevice, idem == null ? null : idem.key(), actionKeys, attempts,
                ringingAttempt, events).chain(won -> {
                    if (won) {
                        return notifyDevices(null, inserted, lastView).replaceWith(lastView);
                    }
                    return store.originateReplay(pool, dial.callerAccountId(), dial.trunkDeviceId(), idem.key(),
                            replayKey).map(stored -> replayed(stored, idem));
                });
    }

    /**
     * A call whose plan leads into a queue: inserted in state routing (call.created), then it enters the queue in
     * the same transaction (queue.entered, or where a full queue overflows to).
     */
    private Uni<CallView> createQueued(Dial dial, Call created, UUID trunkDevice, List<Attempt> attempts, Step queue,
            Idempotency idem, String replayKey, OffsetDateTime now) {
        Call routing = created.withState(CallStates.ROUTING);
        QueueEngine.After after = queues.newAfter();
        List<Object> events = List.of(event("call.created", view(created)));
        return pool.withTransaction(conn -> store.originate(conn, routing, trunkDevice,
                idem == null ? null : idem.key(), null, attempts, null, events)
                .chain(won -> won ? queues.enter(conn, routing, routing, queue, null, null, List.of(), now, idem,
                        replayKey, after) : Uni.createFrom().<Call>nullItem()))
                .chain(entered -> {
                    if (entered == null) {
                        return store.originateReplay(pool, dial.callerAccountId(), dial.trunkDeviceId(), idem.key(),
                                replayKey).map(stored -> replayed(stored, idem));
                    }
                    queues.run(after);
                    return Uni.createFrom().item(view(entered));
                });
    }

    // ---- reads

    /** One call: from the caller's cached active calls when it is one of them, else from PostgreSQL. */
    public Uni<CallView> get(Actor actor, UUID callId) {
        return cachedActive(actor.id()).chain(active -> {
            for (CallView v : active) {
                if (v.callId().equals(callId)) {
                    return Uni.createFrom().item(v);
                }
            }
            return store.load(pool, callId, null).map(loaded -> {
                if (loaded == null || !visible(loaded.call(), actor)) {
                    throw ProblemException.notFound("Call");
                }
                return view(loaded.call());
            });
        });
    }

    /** The account's active calls from Redis; rebuilt from PostgreSQL when Redis lost them. */
    Uni<List<CallView>> cachedActive(UUID account) {
        return cache.activeOf(account).onFailure().recoverWithNull().chain(cached -> {
            if (cached != null) {
                return Uni.createFrom().item(cached);
            }
            // The generation first: an update committed after it makes this snapshot too old to cache.
            return cache.generation(account).onFailure().recoverWithNull().chain(generation -> pool
                    .preparedQuery(LIST_MINE).execute(Tuple.from(Arrays.asList(account, null, null, 10_000)))
                    .map(rows -> {
                        List<CallView> views = new ArrayList<>();
                        for (Row row : rows) {
                            views.add(view(store.read(row)));
                        }
                        return views;
                    }).call(views -> generation == null ? Uni.createFrom().voidItem()
                            : cache.rebuild(account, views, generation).onFailure().recoverWithNull()));
        });
    }

    /** Active calls: the caller's own, or every active call for an admin asking for all. */
    public Uni<CallPage> listActive(Actor actor, boolean all, String cursor, int limit) {
        if (all && !actor.admin()) {
            return Uni.createFrom().failure(ProblemException.forbidden("Only admins may list all calls"));
        }
        OffsetDateTime afterTime = null;
        UUID afterId = null;
        if (cursor != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                afterTime = OffsetDateTime.parse(parts[0]);
                afterId = UUID.fromString(parts[1]);
                // Outside PostgreSQL's timestamptz range the query itself would fail: the cursor is the mistake.
                if (afterTime.getYear() < 1970 || afterTime.getYear() > 9999) {
                    throw new IllegalArgumentException("out of range");
                }
            } catch (RuntimeException e) {
                return Uni.createFrom().failure(ProblemException.badRequest("cursor", "is not a cursor of this list"));
            }
        }
        if (!all && cursor == null) {
            return cachedActive(actor.id()).map(active -> page(active, limit));
        }
        Tuple args = Tuple.from(Arrays.asList(all ? null : actor.id(), afterTime, afterId, limit + 1));
        return pool.preparedQuery(all ? LIST_ALL : LIST_MINE).execute(args).map(rows -> {
            List<Call> calls = new ArrayList<>();
            for (Row row : rows) {
                calls.add(store.read(row));
            }
            String next = null;
            if (calls.size() > limit) {
                calls = calls.subList(0, limit);
                Call lastCall = calls.get(limit - 1);
                next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        (lastCall.createdAt() + "|" + lastCall.id()).getBytes(StandardCharsets.UTF_8));
            }
            return new CallPage(calls.stream().map(this::view).toList(), next);
        });
    }

    private static CallPage page(List<CallView> calls, int limit) {
        if (calls.size() <= limit) {
            return new CallPage(calls, null);
        }
        CallView last = calls.get(limit - 1);
        return new CallPage(calls.subList(0, limit), Base64.getUrlEncoder().withoutPadding().encodeToString(
                (last.createdAt() + "|" + last.callId()).getBytes(StandardCharsets.UTF_8)));
    }

    // ---- actions

    public Uni<CallView> answer(Actor actor, UUID callId, UUID deviceId, Idempotency idem) {
        return act(actor, callId, idem, (call, now) -> CallMachine.answer(call, actor.id(), deviceId, now), null);
    }

    public Uni<CallView> reject(Actor actor, UUID callId, Idempotency idem) {
        return act(actor, callId, idem, (call, now) -> CallMachine.reject(call, actor.id(), now), null);
    }

    /** A device declines the offer it got: its leg ends; the call ends when no other device still rings. */
    public Uni<CallView> rejectOnDevice(Actor actor, UUID callId, UUID deviceId) {
        return act(actor, callId, null, (call, now) -> CallMachine.rejectOnDevice(call, actor.id(), deviceId, now),
                null);
    }

    public Uni<CallView> busyOnDevice(Actor actor, UUID callId, UUID deviceId) {
        return act(actor, callId, null, (call, now) -> CallMachine.busy(call, actor.id(), deviceId, now), null);
    }

    public Uni<CallView> hangup(Actor actor, UUID callId, Idempotency idem) {
        return act(actor, callId, idem, (call, now) -> CallMachine.hangup(call, actor.id(), actor.admin(), now), null);
    }

    public Uni<CallView> hold(Actor actor, UUID callId, Idempotency idem) {
        return act(actor, callId, idem, (call, now) -> CallMachine.hold(call, actor.id()), null);
    }

    public Uni<CallView> resume(Actor actor, UUID callId, Idempotency idem) {
        return act(actor, callId, idem, (call, now) -> CallMachine.resume(call, actor.id()), null);
    }

    public Uni<CallView> mute(Actor actor, UUID callId, UUID legId, boolean muted, Idempotency idem) {
        return act(actor, callId, idem, (call, now) -> CallMachine.mute(call, actor.id(), actor.admin(), legId, muted),
                null);
    }

    /** DTMF digits go to the other live legs' devices; the key is remembered so a replay sends nothing again. */
    public Uni<CallView> dtmf(Actor actor, UUID callId, String digits, Idempotency idem) {
        UUID[] sender = new UUID[1];
        return act(actor, callId, idem, (call, now) -> {
            sender[0] = CallMachine.dtmfSender(call, actor.id()).id();
            return Change.of(call.nextVersion(), null);
        }, (call, view) -> relayDtmf(call, sender[0], digits));
    }

    /**
     * Digits a device sent in its media (seen by the media relay) or in SIP INFO: relayed like {@link #dtmf} from
     * that device's active leg. A device without an active leg in the call sends nothing (the call is not found).
     */
    public Uni<CallView> dtmfFromDevice(UUID callId, UUID deviceId, String digits) {
        UUID[] sender = new UUID[1];
        return act(new Actor(new UUID(0, 0), true), callId, null, (call, now) -> {
            Leg leg = call.legs().stream().filter(l -> deviceId.equals(l.deviceId())).findFirst()
                    .orElseThrow(() -> CallMachine.illegal(call, "send DTMF", "that device has no leg"));
            sender[0] = CallMachine.dtmfSender(call, leg.accountId()).id();
            return Change.of(call.nextVersion(), null);
        }, (call, view) -> relayDtmf(call, sender[0], digits));
    }

    private void relayDtmf(Call call, UUID sender, String digits) {
        call.legs().stream().filter(l -> l.live() && !l.id().equals(sender)).forEach(l -> devices.send(l.deviceId(),
                Map.of("type", "dtmf", "callId", call.id(), "legId", l.id(), "fromLegId", sender, "digits", digits)));
    }

    /**
     * Fires a due timer of a call, on a connection holding the call's row lock (see {@link CallTimers}). A ring
     * timeout ends the ringing legs with no-answer and goes on with the plan's next step (stored with the attempt).
     */
    Uni<Runnable> fireTimer(SqlClient locked, UUID callId) {
        return store.load(locked, callId, null).chain(loaded -> {
            if (loaded == null) {
                return Uni.createFrom().nullItem();
            }
            Call call = loaded.call();
            if (call.queueId() != null) {
                return queues.fireTimer(locked, call);
            }
            if (CallMachine.transferRinging(call)) {
                OffsetDateTime now = now();
                Change change = new Change(call.ended(CallStates.NO_ANSWER, now).nextVersion(), "call.ended",
                        CallStates.NO_ANSWER, "the transfer target did not answer in time");
                CallView view = view(change.after());
                return store.write(locked, call, change, now, null, null, events(change, view))
                        .map(won -> won ? () -> notifyDevices(call, change.after(), view).subscribe().with(ok -> { }) : null);
            }
            if (!RINGING.equals(call.state())) {
                // The call moved on: the timer is obsolete, clear it without an event.
                return store.write(locked, call, Change.of(withTimer(call, null, null).nextVersion(), null), now(),
                        null, null, List.of()).replaceWith((Runnable) null);
            }
            return store.lastAttempt(locked, callId).chain(last -> {
                OffsetDateTime now = now();
                RoutingEngine.Outcome next = RoutingEngine.run(last == null ? List.of() : last.remaining(), 1,
                        call.calleeAccountId(), devices::devicesOf, number -> trunks.route(number, now), now);
                if (next.queued()) {
                    // The plan's next step is a queue: the rung legs end and the caller enters it.
                    QueueEngine.After after = queues.newAfter();
                    Call rang = call.mapLegs(l -> !l.isCaller() && l.live() ? l.ended(CallStates.NO_ANSWER, now) : l)
                            .withTimer(null, null);
                    return queues.enter(locked, call, rang, next.queue(), CallStates.NO_ANSWER,
                            "no device answered in time", next.attempts(), now, null, null, after)
                            .map(entered -> entered == null ? null : (Runnable) () -> queues.run(after));
                }
                Change change = nextStep(call, next, CallStates.NO_ANSWER, "no device answered in time", now);
                CallView view = view(change.after());
                return store.write(locked, call, change, now, null, null, events(change, view))
                        .map(won -> won ? () -> notifyDevices(call, change.after(), view).subscribe().with(ok -> { }) : null);
            });
        });
    }

    /** The ringing legs ended with {@code outcome}: ring the plan's next step, or end the call. */
    private Change nextStep(Call call, RoutingEngine.Outcome next, String outcome, String reason,
            OffsetDateTime now) {
        Call rang = call.mapLegs(l -> !l.isCaller() && l.live() ? l.ended(outcome, now) : l);
        if (next.ringing()) {
            List<Leg> legs = new ArrayList<>(rang.legs());
            legs.addAll(next.ringingLegs());
            Call after = new Call(call.id(), call.direction(), RINGING, null, call.callerAccountId(),
                    call.callerDeviceId(), call.callerNumber(), call.calleeKind(), call.calleeAccountId(),
                    call.calleeNumber(), call.queueId(), call.createdAt(), call.ringingAt(), null, null,
                    CallStates.RING_TIMEOUT, now.plus(next.ringFor()), call.recordingsJson(), call.version(), legs,
                    call.transfer(), call.lastQueueId());
            if (next.forwardedTo() != null) {
                after = after.forwardedTo(next.forwardedTo());
            }
            return new Change(after.nextVersion(), "call.ringing", outcome, reason, next.attempts(),
                    RoutingEngine.openAttempt(next));
        }
        return new Change(rang.ended(next.endCause(), now).nextVersion(), "call.ended", outcome, reason,
                next.attempts(), null);
    }

    private static Call withTimer(Call c, String kind, OffsetDateTime at) {
        return new Call(c.id(), c.direction(), c.state(), c.endCause(), c.callerAccountId(), c.callerDeviceId(),
                c.callerNumber(), c.calleeKind(), c.calleeAccountId(), c.calleeNumber(), c.queueId(), c.createdAt(),
                c.ringingAt(), c.answeredAt(), c.endedAt(), kind, at, c.recordingsJson(), c.version(), c.legs(),
                c.transfer(), c.lastQueueId());
    }

    /** Billing refused the account: its active calls end with {@code cause}. Calls already ended are left alone. */
    public Uni<Void> endActiveCallsPaidBy(UUID account, String cause) {
        Actor system = new Actor(account, true);
        return pool.preparedQuery("SELECT id FROM call_sessions WHERE state <> 'ended' AND ((direction <> 'inbound' "
                + "AND caller_account_id = $1) OR (direction = 'inbound' AND callee_account_id = $1))")
                .execute(Tuple.of(account)).chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row row : rows) {
                        UUID id = row.getUUID("id");
                        chain = chain.chain(() -> act(system, id, null, (call, now) -> {
                            if (CallStates.ENDED.equals(call.state())) {
                                throw CallMachine.illegal(call, "end", null);
                            }
                            // The end cause (e.g. insufficient-funds) is not a routing outcome: an attempt still
                            // ringing failed, and says why.
                            return new Change(call.ended(cause, now).nextVersion(), "call.ended", CallStates.FAILED,
                                    "ended by billing (" + cause + ")");
                        }, null).replaceWithVoid().onFailure(ProblemException.class).recoverWithNull());
                    }
                    return chain;
                });
    }

    /**
     * Ends an answered call whose device {@code lostDevice} vanished: cause device-lost, ended (and so billed) at the
     * moment the device was first seen gone, not when the grace ran out. A call that ended or moved on meanwhile
     * (the device came back, someone hung up) is left alone.
     */
    public Uni<Boolean> endDeviceLost(UUID callId, UUID lostDevice, OffsetDateTime lostAt) {
        Actor system = new Actor(new UUID(0, 0), true);
        return act(system, callId, null, (call, now) -> {
            boolean stillLost = (CallStates.ACTIVE.equals(call.state()) || CallStates.HELD.equals(call.state()))
                    && call.legs().stream().anyMatch(l -> l.live() && lostDevice.equals(l.deviceId()));
            if (!stillLost) {
                throw CallMachine.illegal(call, "end", null);
            }
            OffsetDateTime at = lostAt.isAfter(now) ? now : lostAt;
            if (call.answeredAt() != null && at.isBefore(call.answeredAt())) {
                at = call.answeredAt();
            }
            return Change.of(call.ended(CallStates.DEVICE_LOST, at).nextVersion(), "call.ended");
        }, null).replaceWith(true).onFailure(ProblemException.class).recoverWithItem(false);
    }

    /** The other live legs of a call, for relaying WebRTC signaling from {@code deviceId}; 404 if not a party. */
    public Uni<List<Map.Entry<UUID, UUID>>> relayTargets(UUID callId, UUID accountId, UUID deviceId) {
        return pool.preparedQuery(LIVE_LEGS).execute(Tuple.of(callId)).map(rows -> {
            boolean member = false;
            List<Map.Entry<UUID, UUID>> targets = new ArrayList<>();
            for (Row row : rows) {
                UUID device = row.getUUID("device_id");
                if (deviceId.equals(device) && accountId.equals(row.getUUID("account_id"))) {
                    member = true;
                } else if (device != null) {
                    targets.add(Map.entry(row.getUUID("id"), device));
                }
            }
            if (!member) {
                throw ProblemException.notFound("Live leg of this device in call " + callId);
            }
            return targets;
        });
    }

    // ---- the action pipeline

    public Uni<CallView> act(Actor actor, UUID callId, Idempotency idem,
            BiFunction<Call, OffsetDateTime, Change> transition, BiConsumer<Call, CallView> sideEffect) {
        return attempt(actor, callId, idem, transition, sideEffect, RACE_RETRIES);
    }

    private Uni<CallView> attempt(Actor actor, UUID callId, Idempotency idem,
            BiFunction<Call, OffsetDateTime, Change> transition, BiConsumer<Call, CallView> sideEffect, int tries) {
        String replayKey = idem == null ? null : idem.storeKey(actor);
        return store.load(pool, callId, replayKey).chain(loaded -> {
            if (loaded == null || !visible(loaded.call(), actor)) {
                throw ProblemException.notFound("Call");
            }
            if (loaded.replay() != null) {
                return Uni.createFrom().item(replayed(loaded.replay(), idem));
            }
            OffsetDateTime now = now();
            Call before = loaded.call();
            Change change = transition.apply(before, now);
            if (queues.involves(before)) {
                return queueAction(actor, callId, idem, transition, sideEffect, tries, before, change, now,
                        replayKey);
            }
            CallView view = view(change.after());
            String stored = replayKey == null ? null : json(replayEntry(idem, view));
            return store.write(pool, loaded.call(), change, now, replayKey, stored, events(change, view))
                    .chain(won -> {
                        if (won) {
                            if (sideEffect != null) {
                                sideEffect.accept(change.after(), view);
                            }
                            return notifyDevices(loaded.call(), change.after(), view).replaceWith(view);
                        }
                        if (tries <= 1) {
                            throw ProblemException.conflict("The call keeps changing; try again");
                        }
                        return attempt(actor, callId, idem, transition, sideEffect, tries - 1);
                    });
        });
    }

    /** An action on a queued call or one with an agent: the queue engine adds its meaning and writes it. */
    private Uni<CallView> queueAction(Actor actor, UUID callId, Idempotency idem,
            BiFunction<Call, OffsetDateTime, Change> transition, BiConsumer<Call, CallView> sideEffect, int tries,
            Call before, Change change, OffsetDateTime now, String replayKey) {
        QueueEngine.Plan plan = queues.plan(before, change, actor.id(), now);
        CallView view = view(plan.after());
        String stored = replayKey == null ? null : json(replayEntry(idem, view));
        QueueEngine.After after = queues.newAfter();
        return queues.commitAction(before, plan, now, replayKey, stored, after).chain(won -> {
            if (won) {
                if (sideEffect != null) {
                    sideEffect.accept(plan.after(), view);
                }
                queues.run(after);
                return notifyDevices(before, plan.after(), view).replaceWith(view);
            }
            if (tries <= 1) {
                throw ProblemException.conflict("The call keeps changing; try again");
            }
            return attempt(actor, callId, idem, transition, sideEffect, tries - 1);
        });
    }

    static boolean visible(Call call, Actor actor) {
        return actor.admin() || call.isParty(actor.id());
    }

    /**
     * Tells the devices of the call's legs what changed: newly ringing legs get an offer, the others an update.
     * Legs that had already ended before this change hear nothing more.
     */
    public Uni<Void> notifyDevices(Call before, Call after, CallView view) {
        for (Leg leg : after.legs()) {
            Leg previous = before == null ? null
                    : before.legs().stream().filter(l -> l.id().equals(leg.id())).findFirst().orElse(null);
            if (leg.deviceId() == null || (previous != null && !previous.live())) {
                continue;
            }
            boolean offer = RINGING.equals(leg.state()) && (previous == null || !RINGING.equals(previous.state()));
            devices.send(leg.deviceId(), Map.of("type", offer ? "call.offer" : "call.update", "callId", after.id(),
                    "legId", leg.id(), "call", view));
        }
        return cache.changed(view);
    }

    List<Object> events(Change change, CallView view) {
        return change.eventType() == null ? List.of() : List.of(event(change.eventType(), view));
    }

    private Map<String, Object> event(String type, CallView view) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("event_id", UUID.randomUUID());
        row.put("topic", topic);
        row.put("event_key", view.callId().toString());
        row.put("event_type", type);
        row.put("subject", "calls/" + view.callId());
        row.put("payload", Map.of("call", view));
        return row;
    }

    public CallView view(Call call) {
        JsonNode recordings;
        try {
            recordings = mapper.readTree(call.recordingsJson() == null ? "[]" : call.recordingsJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable recordings of call " + call.id(), e);
        }
        return CallView.of(call, recordings);
    }

    public static Map<String, Object> replayEntry(Idempotency idem, CallView view) {
        return Map.of("h", idem.hash(), "r", view);
    }

    public CallView replayed(String stored, Idempotency idem) {
        try {
            JsonNode entry = mapper.readTree(stored);
            if (!idem.hash().equals(entry.path("h").asText())) {
                throw unprocessable(Idempotency.HEADER, "was already used for a different request");
            }
            return mapper.treeToValue(entry.path("r"), CallView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable stored response", e);
        }
    }

    String json(Object value) {
        return store.json(value);
    }

    public static ProblemException unprocessable(String field, String message) {
        return new ProblemException(422, "unprocessable", "Unprocessable request", field + ": " + message,
                List.of(new Problem.FieldError(field, message)), null);
    }

    public static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
