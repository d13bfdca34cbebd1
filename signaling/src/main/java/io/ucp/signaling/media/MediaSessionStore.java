package io.ucp.signaling.media;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** What the media plane asks of call_sessions. */
@ApplicationScoped
public class MediaSessionStore {

    private static final String ACTIVE = "SELECT id FROM call_sessions WHERE id = ANY($1) AND state <> 'ended'";

    private final Pool pool;

    public MediaSessionStore(Pool pool) {
        this.pool = pool;
    }

    /** The ids among these that belong to a call not ended (primary-key lookups). */
    public Uni<Set<UUID>> active(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return pool.preparedQuery(ACTIVE).execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
            Set<UUID> found = new HashSet<>();
            for (Row row : rows) {
                found.add(row.getUUID(0));
            }
            return found;
        });
    }
}
