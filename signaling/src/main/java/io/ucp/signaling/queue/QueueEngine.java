package io.ucp.signaling.queue;

import static io.ucp.signaling.call.CallStates.ACTIVE;
import static io.ucp.signaling.call.CallStates.BUSY;
import static io.ucp.signaling.call.CallStates.CANCELLED;
import static io.ucp.signaling.call.CallStates.ENDED;
import static io.ucp.signaling.call.CallStates.FAILED;
import static io.ucp.signaling.call.CallStates.HELD;
import static io.ucp.signaling.call.CallStates.NO_ANSWER;
import static io.ucp.signaling.call.CallStates.REJECTED;
import static io.ucp.signaling.call.CallStates.RINGING;
import static io.ucp.signaling.call.CallStates.TIMEOUT;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Call;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.call.CallStates;
import io.ucp.signaling.call.CallStore;
import io.ucp.signaling.call.CallView;
import io.ucp.signaling.call.Change;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.call.Leg;
import io.ucp.signaling.config.SignalingConfig;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.routing.AccountCopies;
import io.ucp.signaling.routing.Attempt;
import io.ucp.signaling.routing.RoutingEngine;
import io.ucp.signaling.routing.Step;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The ACD: callers entering and leaving queues, offers to agents, offer and max-wait timers, agents' call-driven
 * state (on-call, wrap-up, paused after missed offers) and queue positions.
 *
 * <p>A queued call is {@code ringing} (the caller hears ringback) from queue.entered until it is answered or leaves;
 * an offer adds {@code agent} legs ringing on the agents' connected devices. Every write of a queued call runs in one
 * transaction: the call row (guarded by its version, as every call write), its queue columns, the offer attempt, the
 * agents' membership rows and all events. Dispatch for a queue holds the queue row's lock, so offers of one queue
 * are serialised; an agent in several queues is protected by a transaction-scoped advisory lock on their account.
 */
@ApplicationScoped
public class QueueEngine {

    /** One event of a queue write: its type and what it carries next to {@code call}. */
    public record Ev(String type, Map<String, Object> data) {
    }

    /**
     * A planned write of a queued call: the call after it (version bumped once per event), its events in order,
     * how the open attempts end ({@code closeAll}, null = they go on), new attempts, and the queue columns to set
     * ({@code enteredAt} when the caller enters a queue, {@code offerUntil} when an offer starts).
     */
    public record Plan(Call after, List<Ev> events, String closeAll, String closeReason, List<Attempt> attempts,
            UUID ringingAttempt, OffsetDateTime enteredAt, OffsetDateTime offerUntil) {
    }

    /** Work for after the commit: device messages, offers to make, positions to push. */
    public static final class After {
        private final List<Supplier<Uni<Void>>> notify = new ArrayList<>();
        private final Set<UUID> dispatch = new LinkedHashSet<>();
        private final Set<UUID> positions = new LinkedHashSet<>();

        public void dispatch(UUID queueId) {
            dispatch.add(queueId);
        }
    }

    private static final Set<String> OUTCOMES = Set.of(CallStates.ANSWERED, NO_ANSWER, BUSY, REJECTED, FAILED, TIMEOUT,
            CANCELLED);
    private static final String QUEUE_COLUMNS = "UPDATE call_sessions SET queue_id = $2, "
            + "queue_entered_at = CASE WHEN $2::uuid IS NULL THEN NULL "
            + "ELSE coalesce($3::timestamptz, queue_entered_at) END, "
            + "offer_timer_at = CASE WHEN $2::uuid IS NULL OR NOT $5 THEN NULL "
            + "ELSE coalesce($4::timestamptz, offer_timer_at) END, "
            + "callee_queue_id = CASE WHEN callee_kind = 'queue' THEN coalesce(callee_queue_id, $2::uuid) "
            + "ELSE callee_queue_id END, last_queue_id = coalesce($2::uuid, last_queue_id) WHERE id = $1";
    private static final String CLOSE_OFFER = "UPDATE call_routing SET outcome = $2, reason = $3, ended_at = $4 "
            + "WHERE call_id = $1 AND target_type = 'agent' AND outcome IS NULL";
    private static final String MEMBER_WITH_QUEUE = "SELECT " + QueueStore.MEMBER_COLUMNS
            + ", q.wrap_up_seconds, q.max_missed_offers FROM queue_members m JOIN call_queues q ON q.id = m.queue_id ";
    /** Waiting callers of a queue with no offer ringing, longest waiting first (FIFO). */
    private static final String WAITING_UNOFFERED = "SELECT c.id FROM call_sessions c WHERE c.queue_id = $1 "
            + "AND c.state = 'ringing' AND NOT EXISTS (SELECT 1 FROM call_legs l WHERE l.call_id = c.id "
            + "AND l.role = 'agent' AND l.state = 'ringing') ORDER BY c.queue_entered_at, c.id LIMIT 50";
    private static final String BUSY_AGENTS = "SELECT DISTINCT account_id FROM call_legs "
            + "WHERE account_id = ANY($1) AND state <> 'ended'";
    private static final String POSITIONS = "WITH w AS (SELECT c.id, c.caller_device_id, c.queue_entered_at, "
            + "row_number() OVER (ORDER BY c.queue_entered_at, c.id) AS position FROM call_sessions c "
            + "WHERE c.queue_id = $1), "
            + "h AS (SELECT avg(extract(epoch FROM s.ended_at - s.answered_at))::float8 AS aht FROM call_routing r "
            + "JOIN call_sessions s ON s.id = r.call_id WHERE r.queue_id = $1 AND r.target_type = 'queue' "
            + "AND r.outcome = 'answered' AND r.started_at > $2 AND s.ended_at IS NOT NULL AND s.answered_at IS NOT NULL), "
            + "a AS (SELECT count(*) AS staffed FROM queue_members WHERE queue_id = $1 "
            + "AND state IN ('available', 'on-call', 'wrap-up')) "
            + "SELECT w.id, w.caller_device_id, w.queue_entered_at, w.position, h.aht, a.staffed FROM w, h, a "
            + "ORDER BY w.position";

    private final Pool pool;
    private final CallStore store;
    private final CallService calls;
    private final QueueStore queues;
    private final DeviceRegistry devices;
    private final AccountCopies copies;
    private final SignalingConfig signaling;
    private final QueueConfig config;
    private final String topic;
    /** What each waiting caller's device was last told (position/estimate), per queue: push only changes. */
    private final Map<UUID, Map<UUID, String>> pushed = new ConcurrentHashMap<>();

    public QueueEngine(Pool pool, CallStore store, CallService calls, QueueStore queues, DeviceRegistry devices,
            AccountCopies copies, SignalingConfig signaling, QueueConfig config,
            @ConfigProperty(name = "ucp.topics.call-events") String topic) {
        this.pool = pool;
        this.store = store;
        this.calls = calls;
        this.queues = queues;
        this.devices = devices;
        this.copies = copies;
        this.signaling = signaling;
        this.config = config;
        this.topic = topic;
    }

    public After newAfter() {
        return new After();
    }

    /** Whether a write of this call has queue effects: the caller waits in a queue, or an agent is in the call. */
    public boolean involves(Call call) {
        return call.queueId() != null || call.legs().stream().anyMatch(l -> l.isAgent() && l.live());
    }

    // ---- call actions on queued calls (answer, hang up, decline, ...)

    /**
     * The queue meaning of a state-machine change: an agent declining ends only their offer (the caller keeps
     * waiting); a waiting caller who is answered or whose call ends leaves the queue (queue.left first).
     */
    public Plan plan(Call before, Change change, UUID actor, OffsetDateTime now) {
        Call after = change.after();
        String closeAll = change.routingOutcome();
        String reason = change.routingReason();
        String eventType = change.eventType();
        UUID queue = before.queueId();
        boolean declined = queue != null && ENDED.equals(after.state())
                && (REJECTED.equals(after.endCause()) || BUSY.equals(after.endCause()))
                && before.legs().stream().anyMatch(l -> l.isAgent() && RINGING.equals(l.state())
                        && actor.equals(l.accountId()));
        if (declined) {
            String cause = after.endCause();
            after = before.mapLegs(l -> l.isAgent() && RINGING.equals(l.state()) && actor.equals(l.accountId())
                    ? l.ended(cause, now) : l);
            closeAll = null;
            reason = null;
            eventType = null;
        }
        List<Ev> events = new ArrayList<>();
        if (queue != null && ENDED.equals(after.state())) {
            events.add(left(queue, CANCELLED.equals(after.endCause()) ? "abandoned" : after.endCause()));
            after = after.withQueueId(null);
        } else if (queue != null && ACTIVE.equals(after.state())) {
            events.add(left(queue, "answered"));
            after = after.withQueueId(null);
        }
        if (eventType != null) {
            events.add(new Ev(eventType, Map.of()));
        }
        if (closeAll != null && !OUTCOMES.contains(closeAll)) {
            // An end cause that is no attempt outcome (insufficient-funds): the visit failed.
            closeAll = FAILED;
        }
        return finish(before.version(), after, events, closeAll, reason, change.attempts(), change.ringingAttempt(),
                null, null);
    }

    /** Commits a planned action in its own transaction; the caller notifies the devices, then {@link #run}. */
    public Uni<Boolean> commitAction(Call before, Plan plan, OffsetDateTime now, String replayKey, String replayJson,
            After after) {
        return pool.withTransaction(conn -> commit(conn, before, plan, now, replayKey, replayJson, after, false));
    }

    // ---- entering a queue

    /**
     * The caller enters a queue (originate to a queue, a routing plan's queue step): on {@code conn}, a
     * transaction. {@code base} is the call as the previous step left it (same version as {@code before}). Returns
     * the call after it, or null when {@code before} changed meanwhile.
     */
    public Uni<Call> enter(SqlClient conn, Call before, Call base, Step step, String closeAll, String closeReason,
            List<Attempt> prior, OffsetDateTime now, Idempotency idem, String replayKey, After after) {
        return planEnter(conn, before.version(), base, step.queueId(), step, new ArrayList<>(),
                new ArrayList<>(prior), closeAll, closeReason, now, 0).chain(plan -> {
                    String stored = replayKey == null ? null
                            : store.json(CallService.replayEntry(idem, calls.view(plan.after())));
                    return commit(conn, before, plan, now, replayKey, stored, after, true)
                            .map(won -> won ? plan.after() : null);
                });
    }

    private Uni<Plan> planEnter(SqlClient conn, long version, Call base, UUID queueId, Step step, List<Ev> events,
            List<Attempt> attempts, String closeAll, String closeReason, OffsetDateTime now, int hops) {
        UUID rule = step == null ? null : step.ruleId();
        Integer position = step == null ? null : step.position();
        return queues.queue(conn, queueId, true).chain(q -> {
            if (q == null) {
                // Not "queueId": the attempt's queueId becomes a foreign key to call_queues.
                Map<String, Object> target = Map.of("unknownQueueId", String.valueOf(queueId));
                attempts.add(new Attempt(UUID.randomUUID(), 0, rule, position, "queue", target, now, now, FAILED,
                        "no such queue"));
                events.add(new Ev("call.ended", Map.of()));
                return Uni.createFrom().item(finish(version, base.withQueueId(null).ended(FAILED, now), events,
                        closeAll, closeReason, attempts, null, null, null));
            }
            return conn.preparedQuery("SELECT count(*) FROM call_sessions WHERE queue_id = $1")
                    .execute(Tuple.of(q.id()))
                    .chain(rows -> {
                        long waiting = rows.iterator().next().getLong(0);
                        Map<String, Object> target = new LinkedHashMap<>();
                        target.put("queueId", q.id());
                        target.put("name", q.name());
                        if (waiting >= q.maxSize()) {
                            attempts.add(new Attempt(UUID.randomUUID(), 0, rule, position, "queue", target, now, now,
                                    BUSY, "the queue is full (" + q.maxSize() + " waiting)"));
                            return overflow(conn, version, base, q, BUSY, events, attempts, closeAll, closeReason,
                                    now, hops);
                        }
                        attempts.add(new Attempt(UUID.randomUUID(), 0, rule, position, "queue", target, now, null,
                                null, null));
                        Call after = (base.ringingAt() == null ? base.ringing(now) : base).withState(RINGING)
                                .withTimer(CallStates.QUEUE_MAX_WAIT, now.plusSeconds(q.maxWaitSeconds()))
                                .withQueueId(q.id());
                        Map<String, Object> data = new LinkedHashMap<>();
                        data.put("queueId", q.id());
                        data.put("queueName", q.name());
                        events.add(new Ev("queue.entered", data));
                        return Uni.createFrom().item(finish(version, after, events, closeAll, closeReason, attempts,
                                null, now, null));
                    });
        });
    }

    /** Where a caller goes whom {@code q} cannot keep ({@code cause} busy = full, timeout = max wait). */
    private Uni<Plan> overflow(SqlClient conn, long version, Call base, Queue q, String cause, List<Ev> events,
            List<Attempt> attempts, String closeAll, String closeReason, OffsetDateTime now, int hops) {
        OverflowTarget target = q.overflowTarget();
        Call left = base.withQueueId(null).withTimer(null, null);
        if (target == null || hops >= config.maxOverflowHops()) {
            events.add(new Ev("call.ended", Map.of()));
            return Uni.createFrom().item(finish(version, left.ended(cause, now), events, closeAll, closeReason,
                    attempts, null, null, null));
        }
        switch (target.type()) {
            case OverflowTarget.QUEUE -> {
                return planEnter(conn, version, left, target.queueId(), null, events, attempts, closeAll, closeReason,
                        now, hops + 1);
            }
            case OverflowTarget.USER -> {
                RoutingEngine.Outcome o = RoutingEngine.run(List.of(Step.forward(target.accountId(),
                        (int) signaling.ringTimeout().toSeconds())), 1, target.accountId(), devices::devicesOf, now);
                attempts.addAll(o.attempts());
                if (o.ringing()) {
                    List<Leg> legs = new ArrayList<>(left.legs());
                    legs.addAll(o.ringingLegs());
                    Call after = (left.ringingAt() == null ? left.ringing(now) : left).withState(RINGING)
                            .withLegs(legs).withTimer(CallStates.RING_TIMEOUT, now.plus(o.ringFor()));
                    events.add(new Ev("call.ringing", Map.of()));
                    return Uni.createFrom().item(finish(version, after, events, closeAll, closeReason, attempts,
                            RoutingEngine.openAttempt(o), null, null));
                }
                events.add(new Ev("call.ended", Map.of()));
                return Uni.createFrom().item(finish(version, left.ended(o.endCause(), now), events, closeAll,
                        closeReason, attempts, null, null, null));
            }
            default -> {
                // An outside number needs a trunk leg paid by someone; a queue call names no payer for that (as a
                // routing forward to a number): recorded as failed, with the reason.
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("number", target.number());
                attempts.add(new Attempt(UUID.randomUUID(), 0, null, null, "number", t, now, now, FAILED,
                        "overflow to an outside number is not supported: a queue call has no paying party for "
                                + "a trunk leg"));
                events.add(new Ev("call.ended", Map.of()));
                return Uni.createFrom().item(finish(version, left.ended(FAILED, now), events, closeAll, closeReason,
                        attempts, null, null, null));
            }
        }
    }

    // ---- timers (on the poller's transaction, the call row locked)

    /** Fires a queued call's due timer: max wait → queue.left (timeout), overflow; offer timeout → next agent. */
    public Uni<Runnable> fireTimer(SqlClient conn, Call call) {
        OffsetDateTime now = CallService.now();
        After after = new After();
        return conn.preparedQuery("SELECT offer_timer_at FROM call_sessions WHERE id = $1").execute(Tuple.of(call.id()))
                .chain(rows -> {
                    OffsetDateTime offer = rows.iterator().next().getOffsetDateTime("offer_timer_at");
                    Uni<Plan> planned;
                    if (CallStates.QUEUE_MAX_WAIT.equals(call.timerKind()) && call.timerAt() != null
                            && !call.timerAt().isAfter(now)) {
                        planned = maxWait(conn, call, now);
                    } else if (offer != null && !offer.isAfter(now)) {
                        // Nobody answered the offer: the ringing agents missed it, the caller waits for the next.
                        Call missed = call.mapLegs(l -> l.isAgent() && RINGING.equals(l.state())
                                ? l.ended(NO_ANSWER, now) : l);
                        planned = Uni.createFrom().item(finish(call.version(), missed, List.of(), null, null,
                                List.of(), null, null, null));
                    } else {
                        // A timer of no queue meaning (cannot normally happen): cleared so the poller does not spin.
                        planned = Uni.createFrom().item(finish(call.version(), call.withTimer(null, null), List.of(),
                                null, null, List.of(), null, null, null));
                    }
                    return planned.chain(plan -> commit(conn, call, plan, now, null, null, after, true));
                }).map(won -> won ? () -> run(after) : null);
    }

    private Uni<Plan> maxWait(SqlClient conn, Call call, OffsetDateTime now) {
        UUID queueId = call.queueId();
        Call base = call.mapLegs(l -> l.isAgent() && l.live() ? l.ended(TIMEOUT, now) : l).withTimer(null, null)
                .withQueueId(null);
        List<Ev> events = new ArrayList<>();
        events.add(left(queueId, "timeout"));
        return queues.queue(conn, queueId, false).chain(q -> {
            String reason = "waited the queue's max wait" + (q == null ? "" : " of " + q.maxWaitSeconds() + " s");
            if (q == null) {
                events.add(new Ev("call.ended", Map.of()));
                return Uni.createFrom().item(finish(call.version(), base.ended(TIMEOUT, now), events, TIMEOUT, reason,
                        new ArrayList<>(), null, null, null));
            }
            return overflow(conn, call.version(), base, q, TIMEOUT, events, new ArrayList<>(), TIMEOUT, reason, now, 0);
        });
    }

    // ---- offering

    /**
     * Offers the queue's waiting callers (longest waiting first) to its offerable agents: state available, present
     * (presence not offline/dnd), a connected device, no live leg in any call; ordered by tier, then the strategy,
     * then priority; agents this caller was already offered to come last (the offer moves on).
     */
    public Uni<Void> dispatch(UUID queueId, boolean skipLocked) {
        After after = new After();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT " + QueueStore.QUEUE_COLUMNS
                + " FROM call_queues q WHERE q.id = $1 FOR UPDATE" + (skipLocked ? " SKIP LOCKED" : ""))
                .execute(Tuple.of(queueId)).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    Queue q = queues.readQueue(rows.iterator().next());
                    return conn.preparedQuery(WAITING_UNOFFERED).execute(Tuple.of(queueId)).chain(waiting -> {
                        List<UUID> callIds = new ArrayList<>();
                        waiting.forEach(r -> callIds.add(r.getUUID("id")));
                        if (callIds.isEmpty()) {
                            return Uni.createFrom().voidItem();
                        }
                        return offerable(conn, q).chain(agents -> agents.isEmpty() ? Uni.createFrom().voidItem()
                                : tried(conn, callIds).chain(tried -> assign(conn, q, callIds, agents, tried, after)));
                    });
                })).invoke(() -> run(after));
    }

    private record Candidate(UUID accountId, int tier) {
    }

    private Uni<List<Candidate>> offerable(SqlClient conn, Queue q) {
        String order = switch (q.strategy()) {
            case Queue.LONGEST_IDLE -> "m.last_call_ended_at ASC NULLS FIRST, ";
            case Queue.ROUND_ROBIN -> "m.last_offered_at ASC NULLS FIRST, ";
            case Queue.FEWEST_CALLS -> "m.calls_answered ASC, ";
            case Queue.RANDOM -> "random(), ";
            default -> "";
        };
        // An agent wrapping up a call of another queue is not offered either (wrap-up belongs to the agent).
        return conn.preparedQuery("SELECT m.account_id, m.tier FROM queue_members m WHERE m.queue_id = $1 "
                + "AND m.state = 'available' AND NOT EXISTS (SELECT 1 FROM queue_members w "
                + "WHERE w.account_id = m.account_id AND w.state = 'wrap-up') "
                + "ORDER BY m.tier, " + order + "m.priority, m.account_id")
                .execute(Tuple.of(q.id())).chain(rows -> {
                    List<Candidate> all = new ArrayList<>();
                    rows.forEach(r -> all.add(new Candidate(r.getUUID("account_id"), r.getInteger("tier"))));
                    List<Candidate> withDevice = all.stream().filter(c -> !devices.devicesOf(c.accountId()).isEmpty())
                            .toList();
                    if (withDevice.isEmpty()) {
                        return Uni.createFrom().item(List.<Candidate>of());
                    }
                    return copies.presenceOf(withDevice.stream().map(Candidate::accountId).toList())
                            .chain(presence -> {
                                List<Candidate> present = withDevice.stream()
                                        .filter(c -> present(presence.get(c.accountId()))).toList();
                                return lockFree(conn, present);
                            });
                });
    }

    /** Present for the ACD: presence is neither offline (also: unknown) nor dnd. */
    static boolean present(String presence) {
        return presence != null && !"offline".equals(presence) && !"dnd".equals(presence);
    }

    /** Locks the candidates' accounts for this transaction (skipping those another dispatch holds), drops busy ones. */
    private Uni<List<Candidate>> lockFree(SqlClient conn, List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        UUID[] ids = candidates.stream().map(Candidate::accountId).toArray(UUID[]::new);
        return conn.preparedQuery("SELECT a FROM unnest($1::uuid[]) a WHERE pg_try_advisory_xact_lock("
                + "hashtextextended(a::text, 7))").execute(Tuple.of(ids)).chain(locked -> {
                    Set<UUID> mine = new HashSet<>();
                    locked.forEach(r -> mine.add(r.getUUID(0)));
                    // Read after taking the locks: an offer another dispatch committed meanwhile is seen here.
                    return conn.preparedQuery(BUSY_AGENTS).execute(Tuple.of(ids)).map(busy -> {
                        Set<UUID> taken = new HashSet<>();
                        busy.forEach(r -> taken.add(r.getUUID(0)));
                        return candidates.stream().filter(c -> mine.contains(c.accountId())
                                && !taken.contains(c.accountId())).toList();
                    });
                });
    }

    /** The agents each waiting call was already offered to (in any visit). */
    private Uni<Map<UUID, Set<UUID>>> tried(SqlClient conn, List<UUID> callIds) {
        return conn.preparedQuery("SELECT r.call_id, a.value AS agent FROM call_routing r, "
                + "jsonb_array_elements_text(r.target -> 'accountIds') a WHERE r.call_id = ANY($1) "
                + "AND r.target_type = 'agent'").execute(Tuple.of(callIds.toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, Set<UUID>> tried = new HashMap<>();
                    rows.forEach(r -> tried.computeIfAbsent(r.getUUID("call_id"), k -> new HashSet<>())
                            .add(UUID.fromString(r.getString("agent"))));
                    return tried;
                });
    }

    private Uni<Void> assign(SqlClient conn, Queue q, List<UUID> callIds, List<Candidate> agents,
            Map<UUID, Set<UUID>> tried, After after) {
        List<Candidate> free = new ArrayList<>(agents);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID callId : callIds) {
            chain = chain.chain(() -> {
                Set<UUID> done = tried.getOrDefault(callId, Set.of());
                List<Candidate> ordered = new ArrayList<>(free);
                // Stable: keeps tier/strategy order within the untried and the tried agents.
                ordered.sort(Comparator.comparing(c -> done.contains(c.accountId())));
                List<UUID> chosen = choose(q, ordered, done);
                if (chosen.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                return offer(conn, q, callId, chosen, after).invoke(offered -> {
                    if (offered) {
                        free.removeIf(c -> chosen.contains(c.accountId()));
                    }
                }).replaceWithVoid();
            });
        }
        return chain;
    }

    /** ring-all: every free agent of the best tier (untried ones first); other strategies: the first one. */
    private static List<UUID> choose(Queue q, List<Candidate> ordered, Set<UUID> tried) {
        if (ordered.isEmpty()) {
            return List.of();
        }
        if (!Queue.RING_ALL.equals(q.strategy())) {
            return List.of(ordered.get(0).accountId());
        }
        boolean fresh = !tried.contains(ordered.get(0).accountId());
        int tier = ordered.get(0).tier();
        return ordered.stream().filter(c -> c.tier() == tier && tried.contains(c.accountId()) != fresh)
                .map(Candidate::accountId).toList();
    }

    private Uni<Boolean> offer(SqlClient conn, Queue q, UUID callId, List<UUID> agents, After after) {
        return store.load(conn, callId, null).chain(loaded -> {
            Call call = loaded == null ? null : loaded.call();
            if (call == null || !q.id().equals(call.queueId()) || !RINGING.equals(call.state())
                    || call.legs().stream().anyMatch(l -> l.isAgent() && RINGING.equals(l.state()))) {
                return Uni.createFrom().item(false);
            }
            OffsetDateTime now = CallService.now();
            List<Leg> legs = new ArrayList<>(call.legs());
            List<UUID> rung = new ArrayList<>();
            for (UUID agent : agents) {
                for (UUID device : devices.devicesOf(agent)) {
                    legs.add(new Leg(UUID.randomUUID(), Leg.AGENT, RINGING, null, agent, device, null, false, now, now,
                            null, null));
                    rung.add(device);
                }
            }
            if (rung.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("queueId", q.id());
            target.put("strategy", q.strategy());
            target.put("accountIds", agents);
            target.put("deviceIds", rung);
            target.put("offerTimeoutSeconds", q.offerTimeoutSeconds());
            UUID attemptId = UUID.randomUUID();
            Attempt attempt = new Attempt(attemptId, 1, null, null, "agent", target, now, null, null, null);
            Plan plan = finish(call.version(), call.withLegs(legs), List.of(new Ev("call.ringing",
                    Map.of("queueId", q.id()))), null, null, List.of(attempt), attemptId, null,
                    now.plusSeconds(q.offerTimeoutSeconds()));
            return commit(conn, call, plan, now, null, null, after, true).chain(won -> !won
                    ? Uni.createFrom().item(false)
                    : conn.preparedQuery("UPDATE queue_members SET last_offered_at = $3 WHERE queue_id = $1 "
                            + "AND account_id = ANY($2)").execute(Tuple.of(q.id(), agents.toArray(UUID[]::new), now))
                            .replaceWith(true));
        });
    }

    // ---- the write

    private Uni<Boolean> commit(SqlClient conn, Call before, Plan plan, OffsetDateTime now, String replayKey,
            String replayJson, After after, boolean notify) {
        Call a = plan.after();
        Change change = new Change(a, null, plan.closeAll(), plan.closeReason(), plan.attempts(),
                plan.ringingAttempt());
        return store.write(conn, before, change, now, replayKey, replayJson, events(before, plan)).chain(won -> {
            if (!won) {
                return Uni.createFrom().item(false);
            }
            boolean offerRinging = ringingAgents(a);
            return conn.preparedQuery(QUEUE_COLUMNS).execute(Tuple.from(Arrays.asList(a.id(), a.queueId(),
                    plan.enteredAt(), plan.offerUntil(), offerRinging)))
                    .chain(() -> closeOffer(conn, before, a, plan, now))
                    .chain(() -> agents(conn, before, a, now, after))
                    .map(ignored -> {
                        if (notify) {
                            CallView view = calls.view(a);
                            after.notify.add(() -> calls.notifyDevices(before, a, view));
                        }
                        if (before.queueId() != null) {
                            after.positions.add(before.queueId());
                        }
                        if (a.queueId() != null) {
                            after.positions.add(a.queueId());
                            if (!offerRinging) {
                                after.dispatch.add(a.queueId());
                            }
                        }
                        return true;
                    });
        });
    }

    /** The last ringing offer of a still waiting caller ended (missed, declined, withdrawn): its attempt ends too. */
    private Uni<Void> closeOffer(SqlClient conn, Call before, Call after, Plan plan, OffsetDateTime now) {
        if (plan.closeAll() != null || after.queueId() == null || !ringingAgents(before) || ringingAgents(after)) {
            return Uni.createFrom().voidItem();
        }
        Set<String> causes = new HashSet<>();
        for (Leg l : after.legs()) {
            Leg was = legIn(before, l.id());
            if (l.isAgent() && !l.live() && was != null && RINGING.equals(was.state())) {
                causes.add(l.endCause());
            }
        }
        String outcome = causes.contains(REJECTED) ? REJECTED : causes.contains(BUSY) ? BUSY
                : causes.contains(CANCELLED) ? CANCELLED : NO_ANSWER;
        String reason = switch (outcome) {
            case REJECTED -> "declined by the agent";
            case BUSY -> "the agent's device was busy";
            case CANCELLED -> "the offer was withdrawn (agent logged out or paused)";
            default -> "no agent answered the offer in time";
        };
        return conn.preparedQuery(CLOSE_OFFER).execute(Tuple.of(after.id(), outcome, reason, now)).replaceWithVoid();
    }

    private enum Effect { ANSWERED, FINISHED, MISSED }

    /** Membership changes the call's change implies for its agents (one per agent). */
    private Uni<Void> agents(SqlClient conn, Call before, Call after, OffsetDateTime now, After work) {
        Map<UUID, Effect> effects = new LinkedHashMap<>();
        for (Leg l : after.legs()) {
            Leg was = legIn(before, l.id());
            if (!l.isAgent() || was == null) {
                continue;
            }
            UUID agent = l.accountId();
            if (RINGING.equals(was.state()) && ACTIVE.equals(l.state())) {
                effects.put(agent, Effect.ANSWERED);
            } else if ((ACTIVE.equals(was.state()) || HELD.equals(was.state())) && !l.live()
                    && after.legs().stream().noneMatch(o -> o.isAgent() && agent.equals(o.accountId()) && o.live())) {
                effects.put(agent, Effect.FINISHED);
            } else if (RINGING.equals(was.state()) && !l.live() && !effects.containsKey(agent)
                    && (NO_ANSWER.equals(l.endCause()) || REJECTED.equals(l.endCause()) || BUSY.equals(l.endCause()))
                    && after.legs().stream().noneMatch(o -> o.isAgent() && agent.equals(o.accountId()) && o.live())) {
                effects.put(agent, Effect.MISSED);
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<UUID, Effect> e : effects.entrySet()) {
            chain = chain.chain(() -> memberEffect(conn, before, after, e.getKey(), e.getValue(), now, work));
        }
        return chain;
    }

    private Uni<Void> memberEffect(SqlClient conn, Call before, Call after, UUID agent, Effect effect,
            OffsetDateTime now, After work) {
        Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> rows = effect == Effect.FINISHED
                ? conn.preparedQuery(MEMBER_WITH_QUEUE + "WHERE m.current_call_id = $1 AND m.account_id = $2 "
                        + "FOR UPDATE OF m").execute(Tuple.of(after.id(), agent))
                : conn.preparedQuery(MEMBER_WITH_QUEUE + "WHERE m.queue_id = $1 AND m.account_id = $2 FOR UPDATE OF m")
                        .execute(Tuple.of(before.queueId(), agent));
        return rows.chain(found -> {
            if (found.size() == 0) {
                return Uni.createFrom().voidItem();
            }
            Row row = found.iterator().next();
            Member m = queues.readMember(row);
            Member next;
            String reason;
            switch (effect) {
                case ANSWERED -> {
                    next = m.answered(after.id(), now);
                    reason = "answered a call";
                }
                case FINISHED -> {
                    next = m.callEnded(now);
                    reason = "the call ended";
                    if (Member.ON_CALL.equals(m.state())) {
                        int wrapUp = row.getInteger("wrap_up_seconds");
                        next = wrapUp > 0 ? next.inState(Member.WRAP_UP, null, now, now.plusSeconds(wrapUp))
                                : next.inState(Member.AVAILABLE, null, now, null);
                        if (wrapUp == 0) {
                            work.dispatch(m.queueId());
                        }
                    }
                }
                default -> {
                    next = m.missed();
                    reason = "missed offers";
                    int limit = row.getInteger("max_missed_offers");
                    if (Member.AVAILABLE.equals(m.state()) && next.missedOffers() >= limit) {
                        next = next.inState(Member.PAUSED, reason, now, null);
                    }
                }
            }
            return queues.writeMember(conn, m, next, reason, null, null).replaceWithVoid();
        });
    }

    // ---- positions

    /** The waiting callers of a queue with their position and estimated wait. */
    public Uni<List<QueuePosition>> positions(SqlClient client, UUID queueId) {
        OffsetDateTime now = CallService.now();
        return client.preparedQuery(POSITIONS).execute(Tuple.of(queueId, now.minusDays(1))).map(rows -> {
            List<QueuePosition> list = new ArrayList<>();
            for (Row r : rows) {
                int position = r.getLong("position").intValue();
                Double aht = r.getDouble("aht");
                long staffed = r.getLong("staffed");
                double handle = aht == null ? config.defaultHandleTime().toSeconds() : aht;
                Long eta = staffed == 0 ? null : (long) Math.ceil(position * handle / staffed);
                OffsetDateTime entered = r.getOffsetDateTime("queue_entered_at");
                list.add(new QueuePosition(r.getUUID("id"), queueId, position, eta, entered,
                        entered == null ? 0 : Math.max(0, java.time.Duration.between(entered, now).toSeconds())));
            }
            return list;
        });
    }

    /** A waiting caller's position: the caller (their account or, inbound, the trunk's) and admins; else 404. */
    public Uni<QueuePosition> positionOf(io.ucp.signaling.call.Actor actor, UUID callId) {
        return store.load(pool, callId, null).chain(loaded -> {
            Call call = loaded == null ? null : loaded.call();
            boolean caller = call != null && (actor.id().equals(call.callerAccountId()) || call.legs().stream()
                    .anyMatch(l -> l.isCaller() && actor.id().equals(l.accountId())));
            if (call == null || !(actor.admin() || caller)) {
                throw io.ucp.signaling.platform.problem.ProblemException.notFound("Call");
            }
            if (call.queueId() == null) {
                throw io.ucp.signaling.platform.problem.ProblemException.conflict("The call is not waiting in a queue "
                        + "(current state: " + call.state() + ")");
            }
            UUID queueId = call.queueId();
            return positions(pool, queueId).map(list -> list.stream().filter(p -> p.callId().equals(callId))
                    .findFirst().orElseThrow(() -> io.ucp.signaling.platform.problem.ProblemException.conflict(
                            "The call just left the queue")));
        });
    }

    /** Tells each waiting caller's device its position and estimate when they changed since the last push. */
    public Uni<Void> pushPositions(UUID queueId) {
        return pool.preparedQuery("SELECT id, caller_device_id FROM call_sessions WHERE queue_id = $1")
                .execute(Tuple.of(queueId)).chain(devicesOf -> {
                    Map<UUID, UUID> device = new HashMap<>();
                    devicesOf.forEach(r -> device.put(r.getUUID("id"), r.getUUID("caller_device_id")));
                    return positions(pool, queueId).invoke(list -> {
                        Map<UUID, String> last = pushed.computeIfAbsent(queueId, k -> new ConcurrentHashMap<>());
                        Set<UUID> current = new HashSet<>();
                        for (QueuePosition p : list) {
                            current.add(p.callId());
                            String said = p.position() + "/" + p.estimatedWaitSeconds();
                            if (said.equals(last.put(p.callId(), said))) {
                                continue;
                            }
                            Map<String, Object> message = new LinkedHashMap<>();
                            message.put("type", "queue.position");
                            message.put("callId", p.callId());
                            message.put("queueId", queueId);
                            message.put("position", p.position());
                            message.put("estimatedWaitSeconds", p.estimatedWaitSeconds());
                            devices.send(device.get(p.callId()), message);
                        }
                        last.keySet().retainAll(current);
                        if (last.isEmpty()) {
                            pushed.remove(queueId);
                        }
                    }).replaceWithVoid();
                });
    }

    /** Runs the after-commit work; failures are logged (the sweeper repeats offers and pushes). */
    public void run(After after) {
        for (Supplier<Uni<Void>> n : after.notify) {
            n.get().subscribe().with(ok -> { }, e -> Log.debugf("Device notification failed: %s", e.getMessage()));
        }
        for (UUID q : after.positions) {
            pushPositions(q).subscribe().with(ok -> { }, e -> Log.debugf("Position push failed: %s", e.getMessage()));
        }
        for (UUID q : after.dispatch) {
            dispatch(q, false).subscribe().with(ok -> { },
                    e -> Log.warnf("Offering the callers of queue %s failed: %s", q, e.getMessage()));
        }
    }

    // ---- helpers

    private List<Object> events(Call before, Plan plan) {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < plan.events().size(); i++) {
            Ev ev = plan.events().get(i);
            CallView view = calls.view(plan.after().withVersion(before.version() + i + 1));
            Map<String, Object> payload = new LinkedHashMap<>(ev.data());
            payload.put("call", view);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("event_id", UUID.randomUUID());
            row.put("topic", topic);
            row.put("event_key", view.callId().toString());
            row.put("event_type", ev.type());
            row.put("subject", "calls/" + view.callId());
            row.put("payload", payload);
            rows.add(row);
        }
        return rows;
    }

    private static Plan finish(long version, Call after, List<Ev> events, String closeAll, String closeReason,
            List<Attempt> attempts, UUID ringingAttempt, OffsetDateTime enteredAt, OffsetDateTime offerUntil) {
        List<Attempt> numbered = new ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            numbered.add(new Attempt(a.id(), i + 1, a.ruleId(), a.step(), a.targetType(), a.target(), a.startedAt(),
                    a.endedAt(), a.outcome(), a.reason()));
        }
        return new Plan(after.withVersion(version + Math.max(1, events.size())), List.copyOf(events), closeAll,
                closeReason, numbered, ringingAttempt, enteredAt, offerUntil);
    }

    private static Ev left(UUID queueId, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queueId", queueId);
        data.put("reason", reason);
        return new Ev("queue.left", data);
    }

    private static boolean ringingAgents(Call call) {
        return call.legs().stream().anyMatch(l -> l.isAgent() && RINGING.equals(l.state()));
    }

    private static Leg legIn(Call call, UUID legId) {
        return call.legs().stream().filter(l -> l.id().equals(legId)).findFirst().orElse(null);
    }
}
