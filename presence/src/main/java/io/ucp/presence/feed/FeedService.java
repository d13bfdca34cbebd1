package io.ucp.presence.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.Membership;
import io.ucp.presence.message.MessageApi.MarkRead;
import io.ucp.presence.message.MessageService;
import io.ucp.presence.platform.problem.ProblemException;
import io.ucp.presence.presence.DeviceRegistry;
import io.ucp.presence.presence.HotPresence;
import io.ucp.presence.presence.PresenceApi.PresenceView;
import io.ucp.presence.presence.PresenceApi.SetPresence;
import io.ucp.presence.presence.PresenceService;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What happens on the feed: connect (new session with a snapshot, or resume), the client's commands, and close.
 * Client frames are JSON objects with a {@code type}; the server answers each with an {@code ack} or an
 * {@code error} frame carrying the client's {@code id} as {@code ref}. Nothing a client sends can break the
 * handler: every failure becomes an error frame, and abuse (rate or size) closes the connection cleanly.
 */
@ApplicationScoped
public class FeedService {

    private static final String SNAPSHOT_CONVERSATIONS = "SELECT p.conversation_id, c.kind, c.last_message_seq, "
            + "p.last_read_seq, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id "
            + " AND m.seq > p.last_read_seq AND m.deleted_at IS NULL AND m.sender_account_id <> p.account_id) AS unread "
            + "FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id "
            + "WHERE p.account_id = $1 ORDER BY coalesce(c.last_message_at, p.joined_at) DESC LIMIT $2";

    private final FeedHub hub;
    private final FeedConfig config;
    private final ObjectMapper mapper;
    private final Pool pool;
    private final PresenceService presence;
    private final HotPresence hot;
    private final DeviceRegistry devices;
    private final MessageService messages;
    private final TypingRelay typing;
    private final String instanceId;
    private final FeedConnections connections;

    public FeedService(FeedHub hub, FeedConfig config, ObjectMapper mapper, Pool pool, PresenceService presence,
            HotPresence hot, DeviceRegistry devices, MessageService messages, TypingRelay typing,
            FeedInstance instance, FeedConnections connections) {
        this.connections = connections;
        this.hub = hub;
        this.config = config;
        this.mapper = mapper;
        this.pool = pool;
        this.presence = presence;
        this.hot = hot;
        this.devices = devices;
        this.messages = messages;
        this.typing = typing;
        this.instanceId = instance.id();
    }

    static String device(FeedSession session) {
        return "feed:" + session.id;
    }

    /**
     * A connection opened. With {@code session} and {@code lastSeq} of a session this instance still holds (and
     * frames still in its window) the missed frames are replayed; otherwise a new session starts, with an
     * explicit {@code resync} first when a resume was asked for but is not possible.
     */
    Uni<Void> open(WebSocketConnection connection) {
        FeedUser user = connection.userData().get(FeedUpgradeCheck.USER);
        String resumeId = param(connection, "session");
        Long lastSeq = longParam(connection, "lastSeq");
        if (resumeId != null) {
            FeedSession existing = hub.session(resumeId);
            if (existing != null && existing.accountId.equals(user.accountId()) && lastSeq != null
                    && existing.attach(connection, user, lastSeq)) {
                connection.userData().put(SESSION, existing);
                existing.deliver(hub.frame("resumed", mapper.createObjectNode().put("sessionId", existing.id)
                        .put("after", lastSeq)));
                return devices.alive(user.accountId(), device(existing), false)
                        .chain(() -> presence.recompute(user.accountId()));
            }
        }
        FeedSession session = new FeedSession(java.util.UUID.randomUUID().toString(), user, config);
        session.attach(connection, user, null);
        connection.userData().put(SESSION, session);
        hub.register(session);
        ObjectNode hello = mapper.createObjectNode().put("sessionId", session.id).put("instanceId", instanceId)
                .put("resumed", false);
        // hello and resync are written ahead of the snapshot; live frames wait for the snapshot.
        session.snapshotDone(hub.frame("hello", hello), b -> true);
        if (resumeId != null) {
            session.deliver(hub.frame("resync", mapper.createObjectNode().put("reason",
                    hub.session(resumeId) == null ? "session unknown here or expired" : "missed frames out of window")));
        }
        return startSnapshot(session)
                .chain(() -> devices.alive(user.accountId(), device(session), false))
                .chain(() -> presence.recompute(user.accountId()));
    }

    private static final io.quarkus.websockets.next.UserData.TypedKey<FeedSession> SESSION =
            new io.quarkus.websockets.next.UserData.TypedKey<>("ucp.feed.session");

    /** Registers what the session watches first, then reads the state, so no change falls in between. */
    private Uni<Void> startSnapshot(FeedSession session) {
        session.beginSnapshot();
        UUID me = session.accountId;
        SnapshotVersions inSnapshot = new SnapshotVersions(mapper);
        return presence.watchedIds(me, new UUID(0, 0), config.snapshotLimit()).chain(watched -> {
            watched.forEach(target -> hub.watch(session, target));
            List<UUID> all = new ArrayList<>(watched);
            all.add(me);
            return hot.get(all);
        }).chain(views -> pool.preparedQuery(SNAPSHOT_CONVERSATIONS).execute(Tuple.of(me, config.snapshotLimit()))
                .map(rows -> {
                    ObjectNode data = mapper.createObjectNode();
                    ArrayNode presenceArray = data.putArray("presence");
                    for (PresenceView view : views) {
                        if (view.accountId().equals(me)) {
                            data.set("me", mapper.valueToTree(view));
                        } else {
                            presenceArray.add(mapper.valueToTree(view));
                        }
                        session.knownVersions.merge(view.accountId(), view.version(), Math::max);
                        inSnapshot.shown(view.accountId(), view.version());
                    }
                    ArrayNode conversations = data.putArray("conversations");
                    rows.forEach(r -> conversations.addObject()
                            .put("conversationId", r.getUUID("conversation_id").toString())
                            .put("kind", r.getString("kind"))
                            .put("lastMessageSeq", r.getLong("last_message_seq"))
                            .put("lastReadSeq", r.getLong("last_read_seq"))
                            .put("unreadCount", r.getLong("unread")));
                    return data;
                }))
                .invoke(data -> session.snapshotDone(hub.frame("snapshot", data), inSnapshot))
                .onFailure().invoke(e -> {
                    Log.warnf("Feed snapshot failed: %s", e.getMessage());
                    session.snapshotDone(error(null, "snapshot-failed", 503, "Snapshot failed; reconnect"), b -> true);
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    void closed(WebSocketConnection connection) {
        FeedUser user = connection.userData().get(FeedUpgradeCheck.USER);
        String slot = connection.userData().get(FeedUpgradeCheck.SLOT);
        if (user != null && slot != null) {
            connections.release(user.accountId(), slot).subscribe().with(v -> { },
                    e -> Log.debugf("Feed slot not released (it lapses): %s", e.getMessage()));
        }
        FeedSession session = connection.userData().get(SESSION);
        if (session == null || !session.attachedTo(connection)) {
            return;
        }
        session.detach(connection);
        devices.gone(session.accountId, device(session)).subscribe().with(v -> { },
                e -> Log.debugf("Device gone not recorded: %s", e.getMessage()));
    }

    /** One client frame. */
    Uni<Void> onText(WebSocketConnection connection, String text) {
        FeedSession session = connection.userData().get(SESSION);
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        if (text.length() > config.maxClientFrameChars()) {
            hub.remove(session);
            return connection.close(new CloseReason(1009, "frame too big")).onFailure().recoverWithNull();
        }
        if (!session.allowClientFrame()) {
            return refuse(session, connection, null, "rate-limited", 429, "Too many frames; slow down");
        }
        JsonNode frame;
        try {
            frame = mapper.readTree(text);
        } catch (Exception e) {
            return refuse(session, connection, null, "malformed-json", 400, "The frame is not valid JSON");
        }
        if (frame == null || !frame.isObject()) {
            return refuse(session, connection, null, "malformed-json", 400, "A frame is a JSON object");
        }
        String ref = frame.path("id").isValueNode() ? frame.path("id").asText() : null;
        String control = io.ucp.presence.input.TextRules.firstControlCharacter(frame);
        if (control != null) {
            // PostgreSQL cannot store NUL, and control characters have no place in presence or chat text.
            return refuse(session, connection, ref != null && io.ucp.presence.input.TextRules.hasControlCharacter(ref)
                    ? null : ref, "invalid-text", 400, control + " must not contain NUL or control characters");
        }
        String type = frame.path("type").asText("");
        Uni<JsonNode> result;
        try {
            result = switch (type) {
                case "heartbeat" -> devices.alive(session.accountId, device(session), null)
                        .replaceWith(mapper.createObjectNode());
                case "idle" -> devices.alive(session.accountId, device(session), frame.path("idle").asBoolean(true))
                        .chain(() -> presence.recompute(session.accountId)).replaceWith(mapper.createObjectNode());
                case "presence" -> setPresence(session, frame);
                case "typing" -> typing(session, frame);
                case "read" -> messages.markRead(session.accountId, uuid(frame, "conversationId"),
                        new MarkRead(seq(frame))).map(mapper::valueToTree);
                default -> null;
            };
        } catch (ProblemException e) {
            return refuse(session, connection, ref, e.slug(), e.status(), e.getMessage());
        }
        if (result == null) {
            return refuse(session, connection, ref, "unknown-type", 400, "Unknown frame type '" + type + "'");
        }
        return result.map(data -> {
            session.clearStrikes();
            ObjectNode ack = mapper.createObjectNode().put("type", "ack");
            if (ref != null) {
                ack.put("ref", ref);
            }
            ack.put("for", type);
            ack.set("data", data);
            session.deliver(ack.toString());
            return (Void) null;
        }).onFailure().recoverWithUni(e -> {
            if (e instanceof ProblemException p) {
                return refuse(session, connection, ref, p.slug(), p.status(), p.getMessage());
            }
            Log.warnf(e, "Feed frame %s failed", type);
            return refuse(session, connection, ref, "internal", 500, "The frame could not be processed");
        });
    }

    private Uni<JsonNode> setPresence(FeedSession session, JsonNode frame) {
        String state = frame.path("state").asText("");
        if (!io.ucp.presence.presence.PresenceState.CHOSEN.contains(state)) {
            throw ProblemException.badRequest("state", "must be available, away, busy, dnd or appear-offline");
        }
        String text = frame.path("statusText").isTextual() ? frame.path("statusText").asText() : null;
        if (text != null && text.length() > 200) {
            throw ProblemException.badRequest("statusText", "at most 200 characters");
        }
        OffsetDateTime expires = null;
        if (frame.path("statusExpiresAt").isTextual()) {
            try {
                expires = OffsetDateTime.parse(frame.path("statusExpiresAt").asText());
            } catch (RuntimeException e) {
                throw ProblemException.badRequest("statusExpiresAt", "must be an ISO-8601 date-time");
            }
        }
        return presence.set(session.accountId, new SetPresence(state, text, expires)).map(mapper::valueToTree);
    }

    private Uni<JsonNode> typing(FeedSession session, JsonNode frame) {
        UUID conversation = uuid(frame, "conversationId");
        boolean on = frame.path("typing").asBoolean(true);
        return pool.withConnection(c -> Membership.require(c, conversation, session.accountId, false)
                .chain(m -> Membership.participants(c, conversation)))
                .chain(participants -> typing.publish(conversation, session.accountId, on, participants))
                .replaceWith(mapper.createObjectNode());
    }

    private Uni<Void> refuse(FeedSession session, WebSocketConnection connection, String ref, String code, int status,
            String message) {
        session.deliver(error(ref, code, status, message));
        if (session.strike()) {
            hub.remove(session);
            return connection.close(new CloseReason(1008, "too many refused frames"))
                    .onFailure().recoverWithNull();
        }
        return Uni.createFrom().voidItem();
    }

    private String error(String ref, String code, int status, String message) {
        ObjectNode node = mapper.createObjectNode().put("type", "error");
        if (ref != null) {
            node.put("ref", ref);
        }
        node.putObject("data").put("code", code).put("status", status).put("message", message);
        return node.toString();
    }

    private static UUID uuid(JsonNode frame, String field) {
        try {
            return UUID.fromString(frame.path(field).asText());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(field, "must be a UUID");
        }
    }

    private static long seq(JsonNode frame) {
        if (!frame.path("seq").canConvertToLong() || frame.path("seq").asLong() < 0) {
            throw ProblemException.badRequest("seq", "must be a message seq (0 or more)");
        }
        return frame.path("seq").asLong();
    }

    private static String param(WebSocketConnection connection, String name) {
        String query = connection.handshakeRequest().query();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static Long longParam(WebSocketConnection connection, String name) {
        String value = param(connection, name);
        try {
            return value == null ? null : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    FeedSession sessionOf(WebSocketConnection connection) {
        return connection.userData().get(SESSION);
    }
}
