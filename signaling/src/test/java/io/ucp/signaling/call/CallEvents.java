package io.ucp.signaling.call;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.signaling.platform.events.IncomingEvent;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Reads call.events.test for one call id, as a consumer would. One consumer for the whole test JVM. */
public final class CallEvents {

    public static final String TOPIC = "call.events.test";
    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> records;

    private CallEvents() {
    }

    /** Starts the consumer early: joining the group takes seconds on a loaded machine. */
    public static synchronized ConsumerTask<String, String> records() {
        if (records == null) {
            kafka = new KafkaCompanion("127.0.0.1:9092");
            records = kafka.consumeStrings().fromTopics(TOPIC);
        }
        return records;
    }

    public static List<IncomingEvent> of(UUID callId) {
        return records().getRecords().stream().filter(r -> callId.toString().equals(r.key()))
                .map(r -> IncomingEvent.parse(MAPPER, r.value())).toList();
    }

    public static List<String> types(UUID callId) {
        return of(callId).stream().map(IncomingEvent::type).toList();
    }

    /** Waits until the call's last event is {@code lastType}, then returns every type in order. */
    public static List<String> awaitTypes(UUID callId, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> types(callId).size() >= count);
        return types(callId);
    }
}
