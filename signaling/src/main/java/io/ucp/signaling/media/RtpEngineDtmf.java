package io.ucp.signaling.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.datagram.DatagramSocket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * DTMF digits sent in-band (RFC 4733 telephone-events) as rtpengine reports them: rtpengine 10.5 sends every event
 * as JSON to one UDP address ({@code --dtmf-log-dest}). Whichever process binds that port (any signaling instance of
 * any deployment on this rtpengine; the others retry) publishes each datagram with a fresh id on one Redis channel;
 * every instance hears it, keeps events of its own calls (rtpengine call-id prefix), and one instance per
 * deployment takes each (a Redis SET NX on the id) and fires {@link DtmfDetected}. Side tags are
 * {@code device-<id>}, so the digit is the sending device's.
 */
@ApplicationScoped
public class RtpEngineDtmf {

    static final String CHANNEL = "rtpengine:dtmf";
    private static final String DIGITS = "0123456789*#ABCD";
    private static final int MAX_DATAGRAM = 4096;

    private final Vertx vertx;
    private final MediaConfig config;
    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final Event<DtmfDetected> detected;
    private final String prefix;
    private volatile DatagramSocket socket;

    public RtpEngineDtmf(Vertx vertx, MediaConfig config, ReactiveRedisDataSource redis, ObjectMapper mapper,
            Event<DtmfDetected> detected, @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.vertx = vertx;
        this.config = config;
        this.redis = redis;
        this.mapper = mapper;
        this.detected = detected;
        this.prefix = prefix;
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.enabled() || config.dtmfPort() == 0) {
            return;
        }
        redis.pubsub(String.class).subscribe(CHANNEL).subscribe().with(this::heard,
                e -> Log.warnf("DTMF event channel lost: %s", e.getMessage()));
        bind();
    }

    void stop(@Observes ShutdownEvent ignored) {
        DatagramSocket held = socket;
        if (held != null) {
            held.closeAndForget();
        }
    }

    /** While another process holds the port, try again now and then: it may be gone. */
    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retry() {
        if (config.enabled() && config.dtmfPort() != 0 && socket == null) {
            bind();
        }
    }

    private void bind() {
        DatagramSocket candidate = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(1 << 16));
        candidate.listen(config.dtmfPort(), config.bindHost()).subscribe().with(bound -> {
            socket = bound;
            bound.handler(packet -> {
                if (packet.data().length() <= MAX_DATAGRAM) {
                    redis.pubsub(String.class).publish(CHANNEL, UUID.randomUUID() + "\n" + packet.data().toString())
                            .subscribe().with(ok -> { }, e -> Log.warnf("DTMF event not shared: %s", e.getMessage()));
                }
            });
            Log.infof("Taking rtpengine's DTMF events on %s:%d", config.bindHost(), config.dtmfPort());
        }, e -> {
            candidate.closeAndForget();
            Log.debugf("rtpengine's DTMF port is held elsewhere: %s", e.getMessage());
        });
    }

    private void heard(String message) {
        int newline = message.indexOf('\n');
        if (newline < 0) {
            return;
        }
        DtmfDetected event = parse(mapper, config.callIdPrefix(), message.substring(newline + 1));
        if (event == null) {
            return;
        }
        String id = message.substring(0, newline);
        // SET NX answers null when another instance of this deployment took the event first.
        redis.execute("SET", prefix + "dtmf-seen:" + id, "1", "NX", "EX", "60").subscribe().with(taken -> {
            if (taken != null) {
                detected.fire(event);
            }
        }, e -> Log.debugf("DTMF event not taken: %s", e.getMessage()));
    }

    /** One of our calls' events, or null (another deployment's call, a side that is no device, not a digit). */
    static DtmfDetected parse(ObjectMapper mapper, String callIdPrefix, String json) {
        try {
            JsonNode event = mapper.readTree(json);
            String callId = event.path("callid").asText("");
            String tag = event.path("source_tag").asText("");
            int code = event.path("event").asInt(-1);
            if (!callId.startsWith(callIdPrefix) || !tag.startsWith("device-") || code < 0
                    || code >= DIGITS.length()) {
                return null;
            }
            return new DtmfDetected(UUID.fromString(callId.substring(callIdPrefix.length())),
                    UUID.fromString(tag.substring("device-".length())), String.valueOf(DIGITS.charAt(code)));
        } catch (Exception e) {
            return null;
        }
    }
}
