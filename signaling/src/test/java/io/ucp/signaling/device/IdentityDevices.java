package io.ucp.signaling.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * identity's device and account events as identity publishes them on identity.events (key = account id, the
 * CloudEvent sequence increasing), so tests register devices the way production does: signaling only lets a
 * device connect once its copy of identity's devices says the device is the account's.
 */
public final class IdentityDevices {

    public static final String TOPIC = "identity.events.test";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Above any sequence an earlier run left for these (random) ids; increasing within the run. */
    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() * 1000);
    private static KafkaProducer<String, String> producer;

    private IdentityDevices() {
    }

    public static void registered(UUID account, UUID device) {
        publish(account, "device.registered", Map.of("accountId", account.toString(), "deviceId", device.toString(),
                "type", "web", "name", "test device"));
    }

    public static void removed(UUID account, UUID device) {
        publish(account, "device.removed", Map.of("accountId", account.toString(), "deviceId", device.toString()));
    }

    public static void sessionRevoked(UUID account, String session) {
        publish(account, "session.revoked", Map.of("accountId", account.toString(), "sessionId", session,
                "reason", "revoked"));
    }

    /** account.suspended, account.deleted, account.reactivated: {accountId}. */
    public static void account(UUID account, String type) {
        publish(account, type, Map.of("accountId", account.toString()));
    }

    public static void publish(UUID account, String type, Map<String, Object> data) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("specversion", "1.0");
        envelope.put("id", UUID.randomUUID().toString());
        envelope.put("source", "/ucp/identity");
        envelope.put("type", type);
        envelope.put("subject", account.toString());
        envelope.put("time", OffsetDateTime.now().toString());
        envelope.put("sequence", Long.toString(SEQUENCE.incrementAndGet()));
        envelope.put("datacontenttype", "application/json");
        envelope.put("data", data);
        try {
            producer().send(new ProducerRecord<>(TOPIC, account.toString(), MAPPER.writeValueAsString(envelope)))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish " + type, e);
        }
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    System.getenv().getOrDefault("UCP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"));
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }
}
