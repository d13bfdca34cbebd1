package io.ucp.identity.platform.outbox;

import java.util.Objects;
import java.util.UUID;

/**
 * An event to publish: {@code key} orders it on its topic (account id, call id, ...), {@code data} is any
 * Jackson-serialisable value and becomes the CloudEvent's {@code data}.
 */
public record OutgoingEvent(UUID id, String topic, String key, String type, String subject, Object data) {

    public OutgoingEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
    }

    public static OutgoingEvent of(String topic, String key, String type, String subject, Object data) {
        return new OutgoingEvent(UUID.randomUUID(), topic, key, type, subject, data);
    }
}
