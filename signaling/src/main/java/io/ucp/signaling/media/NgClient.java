package io.ucp.signaling.media;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * rtpengine's ng protocol over UDP on a Vert.x datagram socket (bound to {@code bind-host}, 127.0.0.1 by default). Replies are matched to requests
 * by cookie. A request without reply is sent again, byte for byte with the SAME cookie (rtpengine caches its replies
 * by cookie, so a retransmitted offer is answered from the cache instead of allocating ports twice), up to
 * {@code retries} times, then fails with TIMEOUT. At most {@code maxPending} requests wait at once.
 */
@ApplicationScoped
public class NgClient {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final MediaConfig config;
    private final String host;
    private final int port;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final String cookieBase;
    private final AtomicLong sequence = new AtomicLong();
    private volatile DatagramSocket socket;
    private volatile io.vertx.core.Future<DatagramSocket> bound;

    @Inject
    public NgClient(Vertx vertx, MediaConfig config) {
        this(vertx, config, config.ngHost(), config.ngPort());
    }

    /** A client of another rtpengine (tests: an address where nothing answers, or a fake). */
    public NgClient(Vertx vertx, MediaConfig config, String host, int port) {
        this.vertx = vertx;
        this.config = config;
        this.host = host;
        this.port = port;
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        this.cookieBase = HexFormat.of().formatHex(random);
    }

    /** Sends one command; the reply dictionary, or a MediaRelayException. Completes on the caller's context. */
    public Uni<Map<String, Object>> request(Map<String, ?> command) {
        return Uni.createFrom().emitter(emitter -> {
            Context caller = Vertx.currentContext();
            if (pending.size() >= config.maxPending()) {
                emitter.fail(new MediaRelayException(MediaRelayException.Reason.OVERLOADED,
                        pending.size() + " ng requests already waiting for rtpengine"));
                return;
            }
            String cookie = cookieBase + Long.toString(sequence.incrementAndGet(), 36);
            byte[] datagram = NgCodec.encode(cookie, command);
            Pending p = new Pending(cookie, Buffer.buffer(datagram), String.valueOf(command.get("command")),
                    result -> deliver(caller, () -> emitter.complete(result)),
                    error -> deliver(caller, () -> emitter.fail(error)));
            pending.put(cookie, p);
            emitter.onTermination(() -> {
                pending.remove(cookie);
                p.cancelTimer();
            });
            socket().onSuccess(s -> transmit(p)).onFailure(e -> p.fail(new MediaRelayException(
                    MediaRelayException.Reason.TIMEOUT, "ng socket could not be opened: " + e.getMessage(), e)));
        });
    }

    /** Requests still waiting for a reply (tests: the pending map drains). */
    public int pendingCount() {
        return pending.size();
    }

    private void transmit(Pending p) {
        if (!pending.containsKey(p.cookie)) {
            return;
        }
        socket.send(p.datagram, port, host).onFailure(e -> Log.debugf("ng %s send failed: %s", p.command,
                e.getMessage()));
        p.timer = vertx.setTimer(config.timeout().toMillis(), id -> {
            if (!pending.containsKey(p.cookie)) {
                return;
            }
            if (p.attempts++ < config.retries()) {
                Log.debugf("ng %s (cookie %s): no reply, retransmit %d", p.command, p.cookie, p.attempts);
                transmit(p);
            } else {
                pending.remove(p.cookie);
                p.fail(new MediaRelayException(MediaRelayException.Reason.TIMEOUT, "rtpengine at " + host + ":" + port
                        + " did not answer '" + p.command + "' (" + (config.retries() + 1) + " attempts of "
                        + config.timeout().toMillis() + " ms)"));
            }
        });
    }

    private void onDatagram(DatagramPacket packet) {
        byte[] bytes = packet.data().getBytes();
        String cookie = NgCodec.cookie(bytes);
        Pending p = cookie == null ? null : pending.remove(cookie);
        if (p == null) {
            // A late reply to a request that timed out, a duplicate reply to a retransmit, or noise.
            Log.debugf("ng reply from %s without a waiting request (cookie %s)", packet.sender(), cookie);
            return;
        }
        p.cancelTimer();
        try {
            p.succeed(NgCodec.decode(bytes).body());
        } catch (MediaRelayException e) {
            p.fail(e);
        }
    }

    private synchronized io.vertx.core.Future<DatagramSocket> socket() {
        if (bound == null || bound.failed()) {
            DatagramSocket s = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(false)
                    .setReceiveBufferSize(1 << 20));
            s.handler(this::onDatagram);
            socket = s;
            bound = s.listen(0, config.bindHost());
        }
        return bound;
    }

    private static void deliver(Context caller, Runnable action) {
        if (caller == null || caller == Vertx.currentContext()) {
            action.run();
        } else {
            caller.runOnContext(v -> action.run());
        }
    }

    @PreDestroy
    void close() {
        DatagramSocket s = socket;
        if (s != null) {
            s.close();
        }
        for (Pending p : pending.values()) {
            p.cancelTimer();
        }
        pending.clear();
    }

    private final class Pending {
        final String cookie;
        final Buffer datagram;
        final String command;
        final Consumer<Map<String, Object>> onReply;
        final Consumer<Throwable> onError;
        int attempts;
        volatile long timer = -1;

        Pending(String cookie, Buffer datagram, String command, Consumer<Map<String, Object>> onReply,
                Consumer<Throwable> onError) {
            this.cookie = cookie;
            this.datagram = datagram;
            this.command = command;
            this.onReply = onReply;
            this.onError = onError;
        }

        void succeed(Map<String, Object> body) {
            onReply.accept(body);
        }

        void fail(Throwable e) {
            onError.accept(e);
        }

        void cancelTimer() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        }
    }
}
