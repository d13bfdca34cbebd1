package io.ucp.signaling.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.platform.problem.ProblemException;
import io.ucp.signaling.input.TextRules;
import io.ucp.signaling.platform.security.RevokedSessions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The device channel: one WebSocket per device (see {@link DeviceChannelAuth} for how it authenticates).
 * Server → device: {@code ready}, {@code call.offer}, {@code call.update}, {@code sdp}, {@code ice}, {@code dtmf},
 * {@code error}. Device → server: {@code answer}, {@code reject}, {@code busy} (a trunk whose far end is busy), {@code hangup} (each with {@code callId}, optional
 * {@code ref} echoed in the reply), and WebRTC signaling {@code sdp} {callId, description:{type, sdp}} and
 * {@code ice} {callId, candidate:{candidate, sdpMid, sdpMLineIndex}}, relayed to the other live legs' devices.
 *
 * <p>Limits (as presence's feed): {@link DeviceChannelConfig#framesPerSecond()} with a burst, a frame over it gets
 * an error 429; text with NUL or other control characters (but tab, CR, LF) gets an error 400; after
 * {@link DeviceChannelConfig#maxStrikes()} refused frames in a row the connection is closed (1008). Every frame is
 * checked against identity's facts first: a revoked session, a suspended account or a device no longer registered
 * to the account closes the connection (1008) and the frame has no effect.
 */
@WebSocket(path = "/v1/devices/channel")
public class DeviceChannel {

    private static final int MAX_SIGNAL_CHARS = 64 * 1024;
    private static final UserData.TypedKey<FrameLimiter> LIMITER = new UserData.TypedKey<>("ucp.frame-limiter");

    private final DeviceRegistry registry;
    private final CallService calls;
    private final ObjectMapper mapper;
    private final RevokedSessions revoked;
    private final DeviceCopies copies;
    private final DeviceChannelConfig config;

    public DeviceChannel(DeviceRegistry registry, CallService calls, ObjectMapper mapper, RevokedSessions revoked,
            DeviceCopies copies, DeviceChannelConfig config) {
        this.registry = registry;
        this.calls = calls;
        this.mapper = mapper;
        this.revoked = revoked;
        this.copies = copies;
        this.config = config;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        UUID account = account(connection);
        UUID device = device(connection);
        connection.userData().put(LIMITER, new FrameLimiter(config));
        registry.connected(account, device, Boolean.TRUE.equals(connection.userData().get(DeviceChannelAuth.TRUNK)),
                connection);
        return connection.sendText(json(Map.of("type", "ready", "accountId", account, "deviceId", device)));
    }

    /**
     * A frame over {@code quarkus.websockets-next.server.max-message-size} fails in Vert.x' frame aggregator before any
     * handler sees it: close with 1009 (message too big) rather than the 1011 an unhandled failure would get.
     */
    @OnError
    public Uni<Void> onError(Throwable failure, WebSocketConnection connection) {
        String text = failure.getClass().getName() + " " + failure.getMessage();
        if (text.contains("max message size") || text.contains("TooLong") || text.contains("too big")) {
            return connection.close(new CloseReason(1009, "message too big")).onFailure().recoverWithNull();
        }
        Log.debugf("Device channel %s: %s", connection.id(), failure.toString());
        return Uni.createFrom().voidItem();
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        registry.disconnected(device(connection), connection);
    }

    @OnTextMessage
    public Uni<Void> onMessage(WebSocketConnection connection, String text) {
        FrameLimiter limiter = connection.userData().get(LIMITER);
        if (limiter != null && !limiter.allow()) {
            return refuse(connection, error(null, 429, "too many frames; slow down"));
        }
        return stillAllowed(connection).chain(allowed -> {
            if (!allowed) {
                // The session, account or device was revoked: no effect, and the connection goes (1008).
                return reply(connection, null, error(null, 401, "this device's session is no longer valid"))
                        .onFailure().recoverWithNull()
                        .invoke(() -> close(connection, "session revoked or device removed"));
            }
            return handle(connection, text);
        });
    }

    /** identity's facts still allow this connection: session not revoked, device still registered to the account. */
    private Uni<Boolean> stillAllowed(WebSocketConnection connection) {
        UUID account = account(connection);
        Long issuedAt = connection.userData().get(DeviceChannelAuth.ISSUED_AT);
        Uni<Boolean> isRevoked = revoked.isRevoked(connection.userData().get(DeviceChannelAuth.SESSION), account,
                java.time.Instant.ofEpochSecond(issuedAt == null ? 0 : issuedAt));
        boolean trunk = Boolean.TRUE.equals(connection.userData().get(DeviceChannelAuth.TRUNK));
        return isRevoked.chain(r -> r ? Uni.createFrom().item(false)
                : trunk ? Uni.createFrom().item(true) : copies.isRegisteredTo(device(connection), account));
    }

    private void close(WebSocketConnection connection, String reason) {
        DeviceRegistry.Connected c = registry.localConnection(device(connection), connection);
        if (c != null) {
            registry.close(c, reason);
        } else {
            connection.close(new CloseReason(1008, reason)).subscribe().with(ok -> { }, e -> { });
        }
    }

    /** An error frame that counts as a strike; too many in a row close the connection. */
    private Uni<Void> refuse(WebSocketConnection connection, Map<String, Object> error) {
        FrameLimiter limiter = connection.userData().get(LIMITER);
        if (limiter != null && limiter.strike()) {
            close(connection, "too many refused frames");
            return Uni.createFrom().voidItem();
        }
        return reply(connection, null, error);
    }

    private Uni<Void> handle(WebSocketConnection connection, String text) {
        UUID account = account(connection);
        UUID device = device(connection);
        JsonNode message;
        UUID callId;
        try {
            message = mapper.readTree(text);
            if (message == null || !message.isObject()) {
                throw new IllegalArgumentException("not an object");
            }
        } catch (Exception e) {
            return refuse(connection, error(null, 400, "a message is JSON with a type and a callId"));
        }
        String ref = message.path("ref").isValueNode() ? message.path("ref").asText() : null;
        String control = TextRules.firstControlCharacter(message);
        if (control != null) {
            return refuse(connection, error(ref, 400, control + " must not contain NUL or control characters"));
        }
        try {
            callId = UUID.fromString(message.path("callId").asText());
        } catch (IllegalArgumentException e) {
            return refuse(connection, error(ref, 400, "a message is JSON with a type and a callId"));
        }
        Actor actor = new Actor(account, false);
        Uni<?> handled = switch (message.path("type").asText()) {
            case "answer" -> calls.answer(actor, callId, device, null);
            case "reject" -> calls.rejectOnDevice(actor, callId, device);
            case "hangup" -> calls.hangup(actor, callId, null);
            case "busy" -> calls.busyOnDevice(actor, callId, device);
            case "sdp" -> relay(account, device, callId, "sdp", "description", message.path("description"));
            case "ice" -> relay(account, device, callId, "ice", "candidate", message.path("candidate"));
            default -> Uni.createFrom().failure(ProblemException.badRequest("type",
                    "must be one of answer, reject, busy, hangup, sdp, ice"));
        };
        FrameLimiter limiter = connection.userData().get(LIMITER);
        return handled.replaceWith(ref == null ? null : Map.<String, Object>of("type", "ack", "ref", ref))
                .invoke(() -> {
                    if (limiter != null) {
                        limiter.clearStrikes();
                    }
                })
                .onFailure().recoverWithUni(e -> refuse(connection, error(ref, e)).replaceWith((Map<String, Object>) null))
                .chain(reply -> reply == null ? Uni.createFrom().voidItem() : reply(connection, ref, reply));
    }

    private Uni<Void> relay(UUID account, UUID device, UUID callId, String type, String field, JsonNode payload) {
        if (payload.isMissingNode() || !payload.isObject() || payload.toString().length() > MAX_SIGNAL_CHARS) {
            return Uni.createFrom().failure(ProblemException.badRequest(field, "must be an object under 64 KiB"));
        }
        return calls.relayTargets(callId, account, device).invoke(targets -> targets.forEach(target -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", type);
            out.put("callId", callId);
            out.put("legId", target.getKey());
            out.put("fromDeviceId", device);
            out.put(field, payload);
            registry.send(target.getValue(), out);
        })).replaceWithVoid();
    }

    private Map<String, Object> error(String ref, Throwable failure) {
        if (failure instanceof ProblemException p) {
            return error(ref, p.status(), p.getMessage());
        }
        Log.warnf("Device message failed: %s", failure.toString());
        return error(ref, 500, "the message could not be handled");
    }

    private static Map<String, Object> error(String ref, int status, String detail) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "error");
        out.put("ref", ref);
        out.put("status", status);
        out.put("detail", detail);
        return out;
    }

    private Uni<Void> reply(WebSocketConnection connection, String ref, Map<String, Object> message) {
        return connection.sendText(json(message));
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static UUID account(WebSocketConnection connection) {
        return UUID.fromString(connection.userData().get(DeviceChannelAuth.ACCOUNT));
    }

    private static UUID device(WebSocketConnection connection) {
        return UUID.fromString(connection.userData().get(DeviceChannelAuth.DEVICE));
    }
}
