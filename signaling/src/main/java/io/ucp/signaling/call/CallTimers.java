package io.ucp.signaling.call;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.config.SignalingConfig;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Fires the call timers persisted in call_sessions (timer_kind, timer_at). Due rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED} inside one transaction, so with several instances each timer is handled by exactly
 * one of them, and a timer armed before a restart fires after it.
 */
@ApplicationScoped
public class CallTimers {

    // timer_at: ring timeout or a queue's max wait; offer_timer_at: the offer timeout of a queued call's agent.
    private static final String DUE = "SELECT id FROM call_sessions WHERE timer_at <= $1 OR offer_timer_at <= $1 "
            + "ORDER BY least(timer_at, offer_timer_at) LIMIT $2 FOR UPDATE SKIP LOCKED";

    private final Pool pool;
    private final CallService calls;
    private final SignalingConfig config;

    public CallTimers(Pool pool, CallService calls, SignalingConfig config) {
        this.pool = pool;
        this.calls = calls;
        this.config = config;
    }

    @Scheduled(every = "${ucp.signaling.timer-poll-interval:500ms}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return fireDue().onFailure().recoverWithItem(e -> {
            Log.warnf("Call timer poll failed: %s", e.getMessage());
            return 0;
        }).replaceWithVoid();
    }

    /** Fires every due timer; emits how many fired. */
    public Uni<Integer> fireDue() {
        List<Runnable> afterCommit = new ArrayList<>();
        return pool.withTransaction(conn -> conn.preparedQuery(DUE)
                .execute(Tuple.of(CallService.now(), config.timerBatchSize())).chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row row : rows) {
                        UUID id = row.getUUID("id");
                        chain = chain.chain(() -> calls.fireTimer(conn, id).invoke(notify -> {
                            if (notify != null) {
                                afterCommit.add(notify);
                            }
                        }).replaceWithVoid());
                    }
                    return chain;
                })).map(ignored -> {
                    afterCommit.forEach(Runnable::run);
                    return afterCommit.size();
                });
    }
}
