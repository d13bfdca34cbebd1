package io.ucp.signaling.platform.events;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Makes consumers idempotent: an event's id is claimed in the same transaction as its effect, so a redelivered
 * event (producer retry, consumer restart before its offset commit) finds its claim and has no second effect.
 */
@ApplicationScoped
public class ProcessedEvents {

    private static final String CLAIM_NATIVE = "INSERT INTO processed_events (consumer, event_id) VALUES (?1, ?2) "
            + "ON CONFLICT DO NOTHING";
    private static final String CLAIM_SQL = "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) "
            + "ON CONFLICT DO NOTHING";

    private final Pool pool;
    private final Duration retention;

    public ProcessedEvents(Pool pool,
            @ConfigProperty(name = "ucp.events.dedupe-retention", defaultValue = "336h") Duration retention) {
        this.pool = pool;
        this.retention = retention;
    }

    /**
     * Runs {@code effect} in a transaction unless {@code consumer} already applied this event; emits whether the
     * effect ran.
     */
    public Uni<Boolean> applyOnce(String consumer, IncomingEvent event, Function<Mutiny.Session, Uni<Void>> effect) {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> claim(session, consumer, event.id())
                        .chain(first -> first ? effect.apply(session).replaceWith(true) : Uni.createFrom().item(false))));
    }

    /** True the first time; call inside the transaction that applies the effect. */
    public Uni<Boolean> claim(Mutiny.Session session, String consumer, UUID eventId) {
        return session.createNativeQuery(CLAIM_NATIVE)
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .executeUpdate()
                .map(inserted -> inserted == 1);
    }

    /** Same for raw-SQL consumers, on a connection inside a transaction. */
    public Uni<Boolean> claim(SqlClient transactionalClient, String consumer, UUID eventId) {
        return transactionalClient.preparedQuery(CLAIM_SQL).execute(Tuple.of(consumer, eventId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Claims older than the retention (longer than Kafka keeps records) can never be redelivered. */
    @Scheduled(every = "1h", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return pool.preparedQuery("DELETE FROM processed_events WHERE processed_at < $1")
                .execute(Tuple.of(OffsetDateTime.now().minus(retention))).replaceWithVoid();
    }
}
