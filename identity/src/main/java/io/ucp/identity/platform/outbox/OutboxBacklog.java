package io.ucp.identity.platform.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/** Exposes how many events wait to be published ({@code ucp_outbox_backlog}): a growing value means Kafka lags. */
@ApplicationScoped
public class OutboxBacklog {

    private final Pool pool;
    private final AtomicLong backlog = new AtomicLong();

    public OutboxBacklog(Pool pool, MeterRegistry metrics) {
        this.pool = pool;
        Gauge.builder("ucp.outbox.backlog", backlog, AtomicLong::get)
                .description("Outbox events not yet published").register(metrics);
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return pool.query("SELECT count(*) AS waiting FROM outbox_events WHERE published_at IS NULL").execute()
                .invoke(rows -> backlog.set(rows.iterator().next().getLong("waiting")))
                // Database away (or closed at shutdown): keep the last value; readiness reports the database.
                .onFailure().invoke(e -> Log.debugf("Outbox backlog not read: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    public long lastKnown() {
        return backlog.get();
    }
}
