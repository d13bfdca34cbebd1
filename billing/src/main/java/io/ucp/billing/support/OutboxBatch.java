package io.ucp.billing.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.outbox.OutgoingEvent;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Appends many outbox rows in one statement (same columns as the platform's OutboxWriter), in list order so the
 * relay publishes them in that order. For the CDR batch path, where a row-per-round-trip append would dominate.
 */
@ApplicationScoped
public class OutboxBatch {

    private static final String INSERT = "INSERT INTO outbox_events (event_id, topic, event_key, event_type, subject, "
            + "payload) SELECT u.event_id, u.topic, u.event_key, u.event_type, u.subject, u.payload::jsonb "
            + "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY "
            + "AS u(event_id, topic, event_key, event_type, subject, payload, n) ORDER BY u.n";

    private final ObjectMapper mapper;

    public OutboxBatch(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Uni<Void> append(SqlClient tx, List<OutgoingEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = events.size();
        UUID[] ids = new UUID[n];
        String[] topics = new String[n], keys = new String[n], types = new String[n], subjects = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            OutgoingEvent e = events.get(i);
            ids[i] = e.id();
            topics[i] = e.topic();
            keys[i] = e.key();
            types[i] = e.type();
            subjects[i] = e.subject();
            try {
                payloads[i] = mapper.writeValueAsString(e.data());
            } catch (JsonProcessingException ex) {
                return Uni.createFrom().failure(ex);
            }
        }
        return tx.preparedQuery(INSERT)
                .execute(Tuple.tuple().addValue(ids).addValue(topics).addValue(keys).addValue(types).addValue(subjects)
                        .addValue(payloads))
                .replaceWithVoid();
    }
}
