package io.ucp.presence.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.presence.DeviceRegistry;
import io.ucp.presence.presence.PresenceApi.PresenceView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The feed sessions this instance holds, indexed by user and by whom they watch, and the one place frames are
 * handed to them. Every instance receives every event (its own consumer group) and delivers to what it holds.
 */
@ApplicationScoped
public class FeedHub {

    static final CloseReason REVOKED = new CloseReason(1008, "session revoked");
    static final CloseReason EXPIRED = new CloseReason(1008, "access token expired");

    private final Map<String, FeedSession> sessions = new ConcurrentHashMap<>();
    private final Map<UUID, Set<FeedSession>> byAccount = new ConcurrentHashMap<>();
    private final Map<UUID, Set<FeedSession>> watchers = new ConcurrentHashMap<>();
    private final ObjectMapper mapper;
    private final DeviceRegistry devices;
    private final FeedConnections connections;

    public FeedHub(ObjectMapper mapper, DeviceRegistry devices, FeedConnections connections) {
        this.mapper = mapper;
        this.devices = devices;
        this.connections = connections;
    }

    void register(FeedSession session) {
        sessions.put(session.id, session);
        byAccount.computeIfAbsent(session.accountId, k -> ConcurrentHashMap.newKeySet()).add(session);
    }

    FeedSession session(String id) {
        return sessions.get(id);
    }

    void watch(FeedSession session, UUID target) {
        watchers.computeIfAbsent(target, k -> ConcurrentHashMap.newKeySet()).add(session);
    }

    void unwatch(FeedSession session, UUID target) {
        Set<FeedSession> set = watchers.get(target);
        if (set != null) {
            set.remove(session);
            session.knownVersions.remove(target);
        }
    }

    void remove(FeedSession session) {
        sessions.remove(session.id);
        Set<FeedSession> mine = byAccount.get(session.accountId);
        if (mine != null) {
            mine.remove(session);
            if (mine.isEmpty()) {
                byAccount.remove(session.accountId, mine);
            }
        }
        session.knownVersions.keySet().forEach(target -> unwatch(session, target));
    }

    /** Sessions held here for these accounts. */
    List<FeedSession> sessionsOf(UUID account) {
        Set<FeedSession> mine = byAccount.get(account);
        return mine == null ? List.of() : List.copyOf(mine);
    }

    public int sessionCount() {
        return sessions.size();
    }

    public long attachedCount() {
        return sessions.values().stream().filter(s -> s.connection() != null).count();
    }

    /** A presence change: to everyone watching the user here and to the user's own devices, never backwards. */
    public void presenceChanged(PresenceView view) {
        String body = frame("presence", mapper.valueToTree(view));
        deliverPresence(watchers.getOrDefault(view.accountId(), Set.of()), view, body);
        deliverPresence(byAccount.getOrDefault(view.accountId(), Set.of()), view, body);
    }

    private void deliverPresence(Collection<FeedSession> targets, PresenceView view, String body) {
        for (FeedSession session : targets) {
            Long known = session.knownVersions.get(view.accountId());
            if (known != null && known >= view.version()) {
                continue;
            }
            session.knownVersions.put(view.accountId(), view.version());
            session.deliver(body);
        }
    }

    /** A frame of {@code type} with {@code data} to every session of these accounts held here. */
    public void deliverToAccounts(Collection<UUID> accounts, String type, JsonNode data) {
        String body = null;
        for (UUID account : accounts) {
            Set<FeedSession> targets = byAccount.get(account);
            if (targets == null) {
                continue;
            }
            if (body == null) {
                body = frame(type, data);
            }
            for (FeedSession session : targets) {
                session.deliver(body);
            }
        }
    }

    /** A session's token was revoked, or its account suspended: close and forget (no resume). */
    public void revoke(String sessionId, UUID account) {
        for (FeedSession session : List.copyOf(sessions.values())) {
            boolean match = sessionId != null ? sessionId.equals(session.user().sessionId())
                    : session.accountId.equals(account);
            if (match) {
                close(session, REVOKED);
            }
        }
    }

    void close(FeedSession session, CloseReason reason) {
        remove(session);
        WebSocketConnection c = session.connection();
        if (c != null) {
            c.close(reason).subscribe().with(v -> { }, e -> { });
        }
    }

    String frame(String type, JsonNode data) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", type);
        node.set("data", data);
        return node.toString();
    }

    /**
     * Housekeeping: devices of open feeds stay live in Redis, detached sessions past the window are dropped, kept
     * frames age out, and feeds whose token expired are closed (the client reconnects with a fresh token and
     * resumes).
     */
    @Scheduled(every = "${ucp.feed.housekeeping-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> housekeeping() {
        long now = System.currentTimeMillis();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (FeedSession session : List.copyOf(sessions.values())) {
            if (session.expired(now)) {
                remove(session);
                continue;
            }
            session.trimOld();
            WebSocketConnection c = session.connection();
            if (c == null) {
                continue;
            }
            if (session.user().expiresAt().toEpochMilli() <= now) {
                session.detach(c);
                c.close(EXPIRED).subscribe().with(v -> { }, e -> { });
                continue;
            }
            String slot = c.userData().get(FeedUpgradeCheck.SLOT);
            chain = chain.chain(() -> devices.alive(session.accountId, FeedService.device(session), null)
                    .chain(() -> slot == null ? Uni.createFrom().voidItem() : connections.renew(session.accountId, slot))
                    .onFailure().invoke(e -> Log.debugf("Device refresh failed: %s", e.getMessage()))
                    .onFailure().recoverWithNull());
        }
        return chain;
    }
}
