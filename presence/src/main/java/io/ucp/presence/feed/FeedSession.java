package io.ucp.presence.feed;

import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One logical feed of one user's device: it outlives a dropped connection for the replay window, so a client
 * that reconnects (to this instance) with its last sequence gets exactly the frames it missed. Every server
 * frame gets the next sequence here, under the session's lock, and is kept (last N frames, last T time) before
 * it is written; frames produced while detached are only kept.
 */
final class FeedSession {

    /** 1013 "try again later": the client was too slow to read; it may resume. */
    static final CloseReason SLOW_CONSUMER = new CloseReason(1013, "slow consumer");

    private record Frame(long seq, long at, String text) {
    }

    final String id;
    final UUID accountId;
    final Map<UUID, Long> knownVersions = new ConcurrentHashMap<>();
    final AtomicInteger pending = new AtomicInteger();

    private final FeedConfig config;
    private final ArrayDeque<Frame> ring = new ArrayDeque<>();
    private volatile FeedUser user;
    private WebSocketConnection connection;
    private long seq;
    private long detachedAt;
    /** While the snapshot is being built live frames wait here, so none is older than what follows. */
    private List<String> queued;
    private double tokens;
    private long refilledAt = System.nanoTime();
    private int strikes;

    FeedSession(String id, FeedUser user, FeedConfig config) {
        this.id = id;
        this.accountId = user.accountId();
        this.user = user;
        this.config = config;
        this.tokens = config.clientFrameBurst();
    }

    FeedUser user() {
        return user;
    }

    /** Delivers a frame body (a JSON object text without seq). */
    synchronized void deliver(String body) {
        if (queued != null) {
            queued.add(body);
            return;
        }
        write(body);
    }

    /** The snapshot frame goes first; live frames that came meanwhile follow it in order. */
    synchronized void snapshotDone(String snapshotBody, java.util.function.Predicate<String> stillFresh) {
        write(snapshotBody);
        List<String> waiting = queued;
        queued = null;
        if (waiting != null) {
            waiting.stream().filter(stillFresh).forEach(this::write);
        }
    }

    synchronized void beginSnapshot() {
        if (queued == null) {
            queued = new ArrayList<>();
        }
    }

    synchronized boolean snapshotting() {
        return queued != null;
    }

    private void write(String body) {
        long next = ++seq;
        String text = "{\"seq\":" + next + "," + body.substring(1);
        long now = System.currentTimeMillis();
        ring.addLast(new Frame(next, now, text));
        trim(now);
        send(text);
    }

    private void send(String text) {
        WebSocketConnection c = connection;
        if (c == null || !c.isOpen()) {
            return;
        }
        if (pending.incrementAndGet() > config.maxPendingFrames()) {
            // Slow-consumer policy: never let one reader hold frames for everyone; it resumes from the ring.
            Log.debugf("Feed session %s is not reading; closing it as a slow consumer", id);
            connection = null;
            detachedAt = System.currentTimeMillis();
            c.close(SLOW_CONSUMER).subscribe().with(v -> { }, e -> { });
            return;
        }
        c.sendText(text).subscribe().with(v -> pending.decrementAndGet(), e -> pending.decrementAndGet());
    }

    /** Attaches a (new) connection; with {@code lastSeq}, replays what came after it. False when out of window. */
    synchronized boolean attach(WebSocketConnection c, FeedUser freshUser, Long lastSeq) {
        trim(System.currentTimeMillis());
        if (lastSeq != null) {
            boolean nothingMissed = lastSeq == seq;
            boolean inRing = !ring.isEmpty() && ring.peekFirst().seq() <= lastSeq + 1 && lastSeq <= seq;
            if (!nothingMissed && !inRing) {
                return false;
            }
        }
        this.connection = c;
        this.user = freshUser;
        this.detachedAt = 0;
        this.pending.set(0);
        if (lastSeq != null) {
            for (Frame frame : ring) {
                if (frame.seq() > lastSeq) {
                    send(frame.text());
                }
            }
        }
        return true;
    }

    synchronized void detach(WebSocketConnection c) {
        if (connection == c) {
            connection = null;
            detachedAt = System.currentTimeMillis();
        }
    }

    synchronized boolean attachedTo(WebSocketConnection c) {
        return connection == c;
    }

    synchronized WebSocketConnection connection() {
        return connection;
    }

    /** Detached for longer than the window: the client must re-sync. */
    synchronized boolean expired(long now) {
        return connection == null && detachedAt > 0 && now - detachedAt > config.replayWindow().toMillis();
    }

    synchronized void trimOld() {
        trim(System.currentTimeMillis());
    }

    private void trim(long now) {
        long oldest = now - config.replayWindow().toMillis();
        while (!ring.isEmpty() && (ring.size() > config.replayFrames() || ring.peekFirst().at() < oldest)) {
            ring.removeFirst();
        }
    }

    /** Token bucket for client frames; false when the client is over its rate. */
    synchronized boolean allowClientFrame() {
        long now = System.nanoTime();
        tokens = Math.min(config.clientFrameBurst(),
                tokens + (now - refilledAt) / 1e9 * config.clientFramesPerSecond());
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Counts a refused frame; true when the client has been refused too often in a row. */
    synchronized boolean strike() {
        return ++strikes > config.maxStrikes();
    }

    synchronized void clearStrikes() {
        strikes = 0;
    }

    synchronized long seq() {
        return seq;
    }

    static Duration age(long since) {
        return Duration.ofMillis(System.currentTimeMillis() - since);
    }
}
