package io.ucp.signaling.platform.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A CloudEvent as a consumer reads it (tolerant reader: only the envelope is typed, {@code data} stays a tree the
 * consumer picks its own fields from).
 */
public record IncomingEvent(UUID id, String source, String type, String subject, OffsetDateTime time,
        long sequence, JsonNode data) {

    /** Parses a structured-mode CloudEvent; a record that is not one fails with {@link IllegalArgumentException}. */
    public static IncomingEvent parse(ObjectMapper mapper, String json) {
        try {
            JsonNode root = mapper.readTree(json);
            if (root == null || !"1.0".equals(root.path("specversion").asText())) {
                throw new IllegalArgumentException("not a CloudEvents 1.0 envelope");
            }
            String time = root.path("time").asText(null);
            return new IncomingEvent(
                    UUID.fromString(root.path("id").asText()),
                    root.path("source").asText(),
                    root.path("type").asText(),
                    root.path("subject").asText(null),
                    time == null ? null : OffsetDateTime.parse(time),
                    root.path("sequence").asLong(0),
                    root.path("data"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Unreadable event: " + e.getMessage(), e);
        }
    }
}
