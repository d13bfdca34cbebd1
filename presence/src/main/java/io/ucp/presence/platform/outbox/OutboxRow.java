package io.ucp.presence.platform.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An unpublished outbox row as the relay reads it; {@code payload} is the stored JSON text. */
record OutboxRow(long id, UUID eventId, String topic, String key, String type, String subject, String payload,
        OffsetDateTime createdAt) {
}
