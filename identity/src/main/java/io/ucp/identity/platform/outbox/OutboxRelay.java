package io.ucp.identity.platform.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes outbox rows in id order. Woken by PostgreSQL NOTIFY on insert, with a slow poll as a safety net.
 * Each batch runs in one transaction holding an advisory lock, so two relay instances never publish the same rows
 * concurrently or out of order; rows are marked published only once Kafka acknowledged them. A Kafka outage leaves
 * rows in place and retries with back-off: events are delayed, never lost.
 */
@ApplicationScoped
public class OutboxRelay {

    static final String CHANNEL = "ucp_outbox";
    /** Advisory lock key: one relay at a time per database ("ucp outb" in ASCII). */
    private static final long RELAY_LOCK = 0x7563_7020_6f75_7462L;
    private static final String SELECT_BATCH = "SELECT id, event_id, topic, event_key, event_type, subject, "
            + "payload::text AS payload, created_at FROM outbox_events WHERE published_at IS NULL ORDER BY id LIMIT $1";
    private static final String MARK_PUBLISHED = "UPDATE outbox_events SET published_at = now() WHERE id = ANY($1)";

    private final Pool pool;
    private final Vertx vertx;
    private final OutboxPublisher publisher;
    private final OutboxConfig config;
    private final PgConnectOptions listenOptions;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean wakeUp = new AtomicBoolean();
    private final AtomicLong failuresInARow = new AtomicLong();
    private final Counter published;
    private volatile PgSubscriber subscriber;
    private volatile boolean stopped;

    public OutboxRelay(Pool pool, Vertx vertx, OutboxPublisher publisher, OutboxConfig config, MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.pool = pool;
        this.vertx = vertx;
        this.publisher = publisher;
        this.config = config;
        this.listenOptions = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""))
                .setUser(user).setPassword(password);
        this.published = Counter.builder("ucp.outbox.published").description("Outbox events published to Kafka")
                .register(metrics);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            Log.info("Outbox relay disabled by configuration");
            return;
        }
        PgSubscriber listener = PgSubscriber.subscriber(vertx, listenOptions)
                .reconnectPolicy(attempts -> Math.min(5_000L, 100L * (attempts + 1)));
        listener.channel(CHANNEL).handler(payload -> wake());
        // A reconnected listener may have missed notifications: drain once more.
        listener.channel(CHANNEL).subscribeHandler(this::wake);
        subscriber = listener;
        listener.connect().subscribe().with(ignored -> wake(),
                failure -> Log.warnf("Outbox LISTEN connection failed (%s); polling every %s",
                        failure.getMessage(), config.pollInterval()));
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        PgSubscriber listener = subscriber;
        if (listener != null) {
            listener.closeAndForget();
        }
    }

    @Scheduled(every = "${ucp.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (config.relayEnabled()) {
            wake();
        }
    }

    /** Asks for a drain; concurrent calls collapse into one running drain that re-checks before it stops. */
    public void wake() {
        wakeUp.set(true);
        if (!stopped && draining.compareAndSet(false, true)) {
            drain();
        }
    }

    private void drain() {
        wakeUp.set(false);
        drainBatch().subscribe().with(more -> {
            failuresInARow.set(0);
            if (more || wakeUp.get()) {
                drain();
            } else {
                draining.set(false);
                if (wakeUp.get() && draining.compareAndSet(false, true)) {
                    drain();
                }
            }
        }, failure -> {
            long attempt = failuresInARow.incrementAndGet();
            long delay = Math.min(config.maxBackoff().toMillis(), 200L << Math.min(attempt, 10));
            if (attempt == 1 || attempt % 20 == 0) {
                Log.warnf("Outbox relay could not publish (attempt %d, retry in %d ms): %s", attempt, delay,
                        failure.getMessage());
            }
            draining.set(false);
            if (!stopped) {
                vertx.setTimer(delay, id -> wake());
            }
        });
    }

    /** Publishes one batch; emits true when a full batch went out and more rows may be waiting. */
    Uni<Boolean> drainBatch() {
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked").execute(Tuple.of(RELAY_LOCK))
                .chain(lock -> lock.iterator().next().getBoolean("locked")
                        ? publishLocked(connection)
                        : Uni.createFrom().item(false)));
    }

    private Uni<Boolean> publishLocked(SqlConnection connection) {
        return connection.preparedQuery(SELECT_BATCH).execute(Tuple.of(config.batchSize()))
                .chain(rows -> {
                    List<OutboxRow> batch = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        batch.add(new OutboxRow(row.getLong("id"), row.getUUID("event_id"), row.getString("topic"),
                                row.getString("event_key"), row.getString("event_type"), row.getString("subject"),
                                row.getString("payload"), row.getOffsetDateTime("created_at")));
                    }
                    return publisher.publish(batch).chain(result -> markPublished(connection, batch, result));
                });
    }

    private Uni<Boolean> markPublished(SqlConnection connection, List<OutboxRow> batch,
            OutboxPublisher.Result result) {
        // Only the acknowledged prefix is marked: everything after the first failure is sent again, in order.
        Long[] ids = batch.subList(0, result.acknowledged()).stream().map(OutboxRow::id).toArray(Long[]::new);
        Uni<Void> mark = ids.length == 0 ? Uni.createFrom().voidItem()
                : connection.preparedQuery(MARK_PUBLISHED).execute(Tuple.of(ids)).replaceWithVoid();
        return mark.invoke(() -> published.increment(ids.length)).map(ignored -> {
            if (result.failure() != null) {
                throw new OutboxPublishException(result.failure());
            }
            return batch.size() == config.batchSize();
        });
    }

    /** Deletes rows published longer ago than the retention. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgePublished() {
        OffsetDateTime cutoff = OffsetDateTime.now().minus(config.retention());
        return pool.preparedQuery("DELETE FROM outbox_events WHERE published_at < $1").execute(Tuple.of(cutoff))
                .invoke(rows -> Log.debugf("Purged %d published outbox rows", rows.rowCount()))
                .replaceWithVoid();
    }

    /** Kafka refused or timed out part of a batch; the relay retries it. */
    static final class OutboxPublishException extends RuntimeException {
        OutboxPublishException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
