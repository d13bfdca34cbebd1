package io.ucp.presence.platform.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "ucp.outbox")
public interface OutboxConfig {

    /** Brokers the relay publishes to; defaults to the service's Kafka. */
    String bootstrapServers();

    /** CloudEvents {@code source} of everything this service publishes, e.g. {@code /ucp/identity}. */
    String source();

    @WithDefault("true")
    boolean relayEnabled();

    /** Rows published per transaction. */
    @WithDefault("500")
    int batchSize();

    /** Safety net next to LISTEN/NOTIFY: a missed notification delays an event by at most this. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Longest back-off between attempts while Kafka is unreachable. */
    @WithDefault("5s")
    Duration maxBackoff();

    /**
     * How long the producer keeps retrying a record itself. Its retries keep the idempotent sequence, so an outage
     * shorter than this ends with each event written once; only past it does the relay send the batch again.
     */
    @WithDefault("120s")
    Duration deliveryTimeout();

    /** How long a send may wait for broker metadata (no broker reachable yet) before the relay backs off. */
    @WithDefault("10s")
    Duration metadataTimeout();

    /** Published rows are kept this long for diagnosis, then deleted. */
    @WithDefault("72h")
    Duration retention();
}
