package io.ucp.signaling.platform.events;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A consumer's claim on an event id (see {@link ProcessedEvents}); read here to tell whether an event was applied. */
@Entity
@Table(name = "processed_events")
public class ProcessedEvent extends PanacheEntityBase {

    @EmbeddedId
    public Key key;

    @Column(name = "processed_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime processedAt;

    public static Uni<Boolean> applied(String consumer, UUID eventId) {
        return findById(new Key(consumer, eventId)).map(found -> found != null);
    }

    @Embeddable
    public record Key(@Column(name = "consumer") String consumer, @Column(name = "event_id") UUID eventId)
            implements Serializable {
    }
}
