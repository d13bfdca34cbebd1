package io.ucp.signaling.queue;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.CallService;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The queue timers and repairs, claimed like the call timers ({@code FOR UPDATE SKIP LOCKED}: they survive a restart
 * and with several instances exactly one acts on each row): wrap-ups that are due end (agent available, offered the
 * longest-waiting caller); an agent left on-call by a call that ended outside the queue path (e.g. an attended
 * transfer) goes to wrap-up; and queues with callers waiting unoffered are dispatched again, which picks up agents
 * who became offerable without an event of ours (presence back, a device connected) and pushes changed positions.
 */
@ApplicationScoped
public class QueueSweeper {

    private static final String DUE_WRAP_UPS = "SELECT " + QueueStore.MEMBER_COLUMNS + " FROM queue_members m "
            + "WHERE m.wrap_up_until <= $1 ORDER BY m.wrap_up_until LIMIT 100 FOR UPDATE SKIP LOCKED";
    private static final String STRANDED = "SELECT " + QueueStore.MEMBER_COLUMNS + ", q.wrap_up_seconds "
            + "FROM queue_members m JOIN call_queues q ON q.id = m.queue_id WHERE m.state = 'on-call' AND NOT EXISTS "
            + "(SELECT 1 FROM call_legs l WHERE l.call_id = m.current_call_id AND l.account_id = m.account_id "
            + "AND l.state <> 'ended') LIMIT 100 FOR UPDATE OF m SKIP LOCKED";

    private final Pool pool;
    private final QueueStore store;
    private final QueueEngine engine;

    public QueueSweeper(Pool pool, QueueStore store, QueueEngine engine) {
        this.pool = pool;
        this.store = store;
        this.engine = engine;
    }

    @Scheduled(every = "${ucp.signaling.queue.sweep-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return endWrapUps().chain(this::repairOnCall).chain(this::redispatch).onFailure().recoverWithItem(e -> {
            Log.warnf("Queue sweep failed: %s", e.getMessage());
            return null;
        }).replaceWithVoid();
    }

    /** Ends every due wrap-up; emits how many ended. */
    public Uni<Integer> endWrapUps() {
        OffsetDateTime now = CallService.now();
        Set<UUID> queues = new LinkedHashSet<>();
        return pool.withTransaction(conn -> conn.preparedQuery(DUE_WRAP_UPS).execute(Tuple.of(now)).chain(rows -> {
            List<Member> due = store.members(rows);
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Member m : due) {
                chain = chain.chain(() -> store.writeMember(conn, m, m.inState(Member.AVAILABLE, null, now, null),
                        "wrap-up ended", null, null).invoke(won -> queues.add(m.queueId())).replaceWithVoid());
            }
            return chain.replaceWith(due.size());
        })).invoke(() -> dispatch(queues));
    }

    private Uni<Void> repairOnCall() {
        OffsetDateTime now = CallService.now();
        Set<UUID> queues = new LinkedHashSet<>();
        return pool.withTransaction(conn -> conn.preparedQuery(STRANDED).execute().chain(rows -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Row row : rows) {
                Member m = store.readMember(row);
                int wrapUp = row.getInteger("wrap_up_seconds");
                Member next = wrapUp > 0 ? m.callEnded(now).inState(Member.WRAP_UP, null, now, now.plusSeconds(wrapUp))
                        : m.callEnded(now).inState(Member.AVAILABLE, null, now, null);
                if (wrapUp == 0) {
                    queues.add(m.queueId());
                }
                chain = chain.chain(() -> store.writeMember(conn, m, next, "the call ended", null, null)
                        .replaceWithVoid());
            }
            return chain;
        })).invoke(() -> dispatch(queues));
    }

    private Uni<Void> redispatch() {
        return pool.preparedQuery("SELECT DISTINCT queue_id FROM call_sessions WHERE queue_id IS NOT NULL")
                .execute().chain(rows -> {
                    List<UUID> queues = new ArrayList<>();
                    rows.forEach(r -> queues.add(r.getUUID(0)));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (UUID q : queues) {
                        chain = chain.chain(() -> engine.dispatch(q, true).chain(() -> engine.pushPositions(q))
                                .onFailure().recoverWithItem(e -> {
                                    Log.debugf("Sweep of queue %s failed: %s", q, e.getMessage());
                                    return null;
                                }));
                    }
                    return chain;
                });
    }

    private void dispatch(Set<UUID> queues) {
        QueueEngine.After after = engine.newAfter();
        queues.forEach(after::dispatch);
        engine.run(after);
    }
}
