package io.ucp.identity.support;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.List;

/** Everything published on identity.events.test during the run, filtered by key and type. */
public final class IdentityEventLog {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> records;

    private IdentityEventLog() {
    }

    public record Event(String key, String type, JsonNode data) {
    }

    private static synchronized ConsumerTask<String, String> records() {
        if (records == null) {
            kafka = new KafkaCompanion("127.0.0.1:9092");
            records = kafka.consumeStrings().fromTopics("identity.events.test");
        }
        return records;
    }

    public static List<Event> events(String key) {
        return records().getRecords().stream().filter(r -> key.equals(r.key())).map(r -> {
            try {
                JsonNode envelope = MAPPER.readTree(r.value());
                return new Event(r.key(), envelope.path("type").asText(), envelope.path("data"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    public static List<Event> ofType(String key, String type) {
        return events(key).stream().filter(e -> e.type().equals(type)).toList();
    }

    /** Waits for the {@code count}-th event of that type on that key and returns them all. */
    public static List<Event> await(String key, String type, int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> ofType(key, type).size() >= count);
        return ofType(key, type);
    }
}
