package io.ucp.billing.platform.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Appends events to the outbox inside the caller's transaction, so the state change and its event commit or roll
 * back together. The relay publishes them afterwards; callers never talk to Kafka.
 */
@ApplicationScoped
public class OutboxWriter {

    private static final String INSERT_NATIVE = "INSERT INTO outbox_events "
            + "(event_id, topic, event_key, event_type, subject, payload) "
            + "VALUES (?1, ?2, ?3, ?4, ?5, cast(cast(?6 as text) as jsonb))";
    private static final String INSERT_SQL = "INSERT INTO outbox_events "
            + "(event_id, topic, event_key, event_type, subject, payload) "
            + "VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)";

    // The JSON text is bound as text and cast by PostgreSQL: bound as jsonb, the client would store a JSON string.
    private final ObjectMapper mapper;

    public OutboxWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Appends within the current Panache transaction (use from {@code @WithTransaction} methods). */
    public Uni<Void> append(OutgoingEvent event) {
        return Panache.getSession().chain(session -> append(session, event));
    }

    public Uni<Void> append(Mutiny.Session session, OutgoingEvent event) {
        String payload = json(event);
        return session.createNativeQuery(INSERT_NATIVE)
                .setParameter(1, event.id())
                .setParameter(2, event.topic())
                .setParameter(3, event.key())
                .setParameter(4, event.type())
                .setParameter(5, event.subject())
                .setParameter(6, payload)
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Appends through a Vert.x SQL connection that is inside a transaction (raw-SQL write paths). */
    public Uni<Void> append(SqlClient transactionalClient, OutgoingEvent event) {
        return transactionalClient.preparedQuery(INSERT_SQL).execute(tuple(event)).replaceWithVoid();
    }

    /** Tuple for one outbox row, for callers batching many events in one {@code executeBatch}. */
    public Tuple tuple(OutgoingEvent event) {
        return Tuple.of(event.id(), event.topic(), event.key(), event.type(), event.subject(), json(event));
    }

    public static String insertSql() {
        return INSERT_SQL;
    }

    private String json(OutgoingEvent event) {
        try {
            return mapper.writeValueAsString(event.data());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event " + event.type() + " has data that cannot be serialised", e);
        }
    }
}
