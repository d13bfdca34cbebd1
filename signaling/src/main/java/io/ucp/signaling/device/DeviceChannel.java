package io.ucp.signaling.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.platform.problem.ProblemException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The device channel: one WebSocket per device (see {@link DeviceChannelAuth} for how it authenticates).
 * Server → device: {@code ready}, {@code call.offer}, {@code call.update}, {@code sdp}, {@code ice}, {@code dtmf},
 * {@code error}. Device → server: {@code answer}, {@code reject}, {@code busy} (a trunk whose far end is busy), {@code hangup} (each with {@code callId}, optional
 * {@code ref} echoed in the reply), and WebRTC signaling {@code sdp} {callId, description:{type, sdp}} and
 * {@code ice} {callId, candidate:{candidate, sdpMid, sdpMLineIndex}}, relayed to the other live legs' devices.
 */
@WebSocket(path = "/v1/devices/channel")
public class DeviceChannel {

    private static final int MAX_SIGNAL_CHARS = 64 * 1024;

    private final DeviceRegistry registry;
    private final CallService calls;
    private final ObjectMapper mapper;

    public DeviceChannel(DeviceRegistry registry, CallService calls, ObjectMapper mapper) {
        this.registry = registry;
        this.calls = calls;
        this.mapper = mapper;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        UUID account = account(connection);
        UUID device = device(connection);
        registry.connected(account, device, Boolean.TRUE.equals(connection.userData().get(DeviceChannelAuth.TRUNK)),
                connection);
        return connection.sendText(json(Map.of("type", "ready", "accountId", account, "deviceId", device)));
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        registry.disconnected(device(connection), connection);
    }

    @OnTextMessage
    public Uni<Void> onMessage(WebSocketConnection connection, String text) {
        UUID account = account(connection);
        UUID device = device(connection);
        JsonNode message;
        UUID callId;
        try {
            message = mapper.readTree(text);
            callId = UUID.fromString(message.path("callId").asText());
        } catch (Exception e) {
            return reply(connection, null, error(null, 400, "a message is JSON with a type and a callId"));
        }
        String ref = message.path("ref").asText(null);
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
        return handled.replaceWith(ref == null ? null : Map.<String, Object>of("type", "ack", "ref", ref))
                .onFailure().recoverWithItem(e -> error(ref, e))
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
