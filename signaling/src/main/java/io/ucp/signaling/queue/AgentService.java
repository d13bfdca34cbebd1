package io.ucp.signaling.queue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.Call;
import io.ucp.signaling.call.CallMachine;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.call.CallStates;
import io.ucp.signaling.call.Change;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An agent's own state per queue: login, logout, pause {reason}, unpause, for one queue or all their queues. Each
 * change writes the membership (version-guarded) and its agent.state-changed event in one statement; all of a
 * request's changes share one transaction. An agent who becomes available is offered the longest-waiting caller; an
 * agent who logs out or pauses has their ringing offers withdrawn (the offer moves on, no miss counted).
 */
@ApplicationScoped
public class AgentService {

    public static final String LOGIN = "login";
    public static final String LOGOUT = "logout";
    public static final String PAUSE = "pause";
    public static final String UNPAUSE = "unpause";
    private static final int MAX_REASON = 200;
    private static final TypeReference<List<Member>> MEMBERS = new TypeReference<>() {
    };

    private final Pool pool;
    private final QueueStore store;
    private final QueueEngine engine;
    private final CallService calls;

    public AgentService(Pool pool, QueueStore store, QueueEngine engine, CallService calls) {
        this.pool = pool;
        this.store = store;
        this.engine = engine;
        this.calls = calls;
    }

    public Uni<List<Member>> memberships(Actor actor, UUID agent) {
        requireSelfOrAdmin(actor, agent);
        return store.membersOf(pool, agent, null, false);
    }

    public Uni<List<Member>> act(Actor actor, UUID agent, String action, AgentRequest request, Idempotency idem) {
        requireSelfOrAdmin(actor, agent);
        UUID queueId = request == null ? null : request.queueId();
        String reason = request == null ? null : request.reason();
        if (reason != null && (reason.isBlank() || reason.length() > MAX_REASON)) {
            throw ProblemException.badRequest("reason", "must be 1 to " + MAX_REASON + " characters");
        }
        String replayKey = idem == null ? null : idem.storeKey(actor);
        return store.storedResponse(pool, "SELECT (action_keys -> $2)::text FROM queue_members WHERE account_id = $1 "
                + "AND action_keys ? $2 LIMIT 1", replayKey, agent).chain(stored -> {
            if (stored != null) {
                return Uni.createFrom().item(store.replayed(stored, idem, MEMBERS));
            }
            OffsetDateTime now = CallService.now();
            return pool.withTransaction(conn -> store.membersOf(conn, agent, queueId, true).chain(members -> {
                if (members.isEmpty()) {
                    throw ProblemException.notFound(queueId == null ? "Queue membership" : "Membership of this queue");
                }
                List<Member[]> writes = new ArrayList<>();
                for (Member m : members) {
                    Member next = transition(m, action, reason, now);
                    if (next != null) {
                        writes.add(new Member[] {m, next});
                    }
                }
                if (writes.isEmpty()) {
                    Member first = members.get(0);
                    throw ProblemException.conflict("Cannot " + action + ": the agent is " + (queueId == null
                            ? "in no queue where that applies" : first.state() + " in this queue")
                            + " (current state: " + first.state() + ")");
                }
                List<Member> result = new ArrayList<>();
                for (Member[] w : writes) {
                    result.add(QueueStore.written(w[1]));
                }
                String entry = replayKey == null ? null
                        : store.json(Map.of("h", idem.hash(), "r", result, "at", now.toEpochSecond()));
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (Member[] w : writes) {
                    chain = chain.chain(() -> store.writeMember(conn, w[0], w[1], reasonFor(action, reason),
                            replayKey, entry).map(won -> {
                                if (!won) {
                                    throw ProblemException.conflict("The membership changed meanwhile; try again");
                                }
                                return null;
                            }).replaceWithVoid());
                }
                return chain.replaceWith(result);
            })).call(result -> afterChange(agent, action, result));
        });
    }

    /** The new membership for an action, or null when it does not apply to this one. */
    static Member transition(Member m, String action, String reason, OffsetDateTime now) {
        return switch (action) {
            case LOGIN -> Member.LOGGED_OUT.equals(m.state()) ? m.inState(Member.AVAILABLE, null, now, null) : null;
            case LOGOUT -> Member.LOGGED_OUT.equals(m.state()) ? null : m.inState(Member.LOGGED_OUT, null, now, null);
            case PAUSE -> Member.LOGGED_OUT.equals(m.state()) || Member.PAUSED.equals(m.state()) ? null
                    : m.inState(Member.PAUSED, reason == null ? "paused" : reason, now, null);
            case UNPAUSE -> Member.PAUSED.equals(m.state()) ? m.inState(Member.AVAILABLE, null, now, null) : null;
            default -> throw new IllegalArgumentException(action);
        };
    }

    private static String reasonFor(String action, String reason) {
        return reason != null ? reason : switch (action) {
            case LOGIN -> "logged in";
            case LOGOUT -> "logged out";
            case PAUSE -> "paused";
            default -> "unpaused";
        };
    }

    /** Offers callers to an agent who became available; withdraws the ringing offers of one who left. */
    private Uni<Void> afterChange(UUID agent, String action, List<Member> result) {
        if (LOGIN.equals(action) || UNPAUSE.equals(action)) {
            QueueEngine.After after = engine.newAfter();
            result.forEach(m -> after.dispatch(m.queueId()));
            engine.run(after);
            return Uni.createFrom().voidItem();
        }
        List<UUID> queues = result.stream().map(Member::queueId).toList();
        return pool.preparedQuery("SELECT DISTINCT l.call_id FROM call_legs l JOIN call_sessions c ON c.id = l.call_id "
                + "WHERE l.account_id = $1 AND l.role = 'agent' AND l.state = 'ringing' AND c.queue_id = ANY($2)")
                .execute(Tuple.of(agent, queues.toArray(UUID[]::new))).chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (var row : rows) {
                        UUID callId = row.getUUID("call_id");
                        chain = chain.chain(() -> calls.act(new Actor(agent, true), callId, null,
                                (call, now) -> withdraw(call, agent, now), null).replaceWithVoid()
                                .onFailure(ProblemException.class).recoverWithNull());
                    }
                    return chain;
                });
    }

    private static Change withdraw(Call call, UUID agent, OffsetDateTime now) {
        boolean ringing = call.legs().stream().anyMatch(l -> l.isAgent() && CallStates.RINGING.equals(l.state())
                && agent.equals(l.accountId()));
        if (!ringing) {
            throw CallMachine.illegal(call, "withdraw the offer", "it no longer rings for the agent");
        }
        return Change.of(call.mapLegs(l -> l.isAgent() && CallStates.RINGING.equals(l.state())
                && agent.equals(l.accountId()) ? l.ended(CallStates.CANCELLED, now) : l).nextVersion(), null);
    }

    private static void requireSelfOrAdmin(Actor actor, UUID agent) {
        if (!actor.admin() && !actor.id().equals(agent)) {
            throw ProblemException.forbidden("Agents change only their own state");
        }
    }
}
