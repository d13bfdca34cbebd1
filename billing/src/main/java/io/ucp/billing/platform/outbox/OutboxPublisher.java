package io.ucp.billing.platform.outbox;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends outbox rows to Kafka with an idempotent producer (acks=all), which keeps order per partition across
 * retries. {@code send} may block while metadata is missing, so it runs on a dedicated thread, never on an event
 * loop.
 */
@ApplicationScoped
public class OutboxPublisher {

    private final OutboxConfig config;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "outbox-sender");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Producer<String, String> producer;

    public OutboxPublisher(OutboxConfig config) {
        this.config = config;
    }

    /** How many rows, from the first, the broker acknowledged; and the first failure if not all. */
    public record Result(int acknowledged, Throwable failure) {
    }

    public Uni<Result> publish(List<OutboxRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(new Result(0, null));
        }
        return Uni.createFrom().emitter(emitter -> sender.execute(() -> {
            AtomicReferenceArray<Throwable> failures = new AtomicReferenceArray<>(rows.size());
            AtomicInteger pending = new AtomicInteger(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                int index = i;
                // Once a row failed, later rows must not overtake it: leave them for the next attempt, in order.
                Throwable earlier = firstFailure(failures);
                if (earlier != null) {
                    for (int j = index; j < rows.size(); j++) {
                        failures.compareAndSet(j, null, earlier);
                    }
                    if (pending.addAndGet(-(rows.size() - index)) == 0) {
                        emitter.complete(summarise(failures));
                    }
                    return;
                }
                try {
                    producer().send(record(rows.get(i)), (metadata, error) -> {
                        if (error != null) {
                            failures.set(index, error);
                        }
                        if (pending.decrementAndGet() == 0) {
                            emitter.complete(summarise(failures));
                        }
                    });
                } catch (RuntimeException e) {
                    failures.compareAndSet(index, null, e);
                    if (pending.decrementAndGet() == 0) {
                        emitter.complete(summarise(failures));
                    }
                }
            }
        }));
    }

    private ProducerRecord<String, String> record(OutboxRow row) {
        ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.key(),
                CloudEventEnvelope.write(config.source(), row));
        record.headers().add("content-type", CloudEventEnvelope.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static Throwable firstFailure(AtomicReferenceArray<Throwable> failures) {
        for (int i = 0; i < failures.length(); i++) {
            if (failures.get(i) != null) {
                return failures.get(i);
            }
        }
        return null;
    }

    private static Result summarise(AtomicReferenceArray<Throwable> failures) {
        for (int i = 0; i < failures.length(); i++) {
            if (failures.get(i) != null) {
                return new Result(i, failures.get(i));
            }
        }
        return new Result(failures.length(), null);
    }

    private Producer<String, String> producer() {
        Producer<String, String> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = createProducer();
                }
                current = producer;
            }
        }
        return current;
    }

    private Producer<String, String> createProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox" + config.source().replaceAll("[^A-Za-z0-9]+", "-"));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        int requestTimeout = 10_000;
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.metadataTimeout().toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) Math.max(config.deliveryTimeout().toMillis(), requestTimeout + 1_000));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    /** Flushes what was handed to the producer (up to 5 s) and releases it. */
    public void close() {
        sender.shutdown();
        Producer<String, String> current = producer;
        if (current != null) {
            try {
                current.close(java.time.Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                Log.debugf(e, "Closing the outbox producer");
            }
        }
    }
}
