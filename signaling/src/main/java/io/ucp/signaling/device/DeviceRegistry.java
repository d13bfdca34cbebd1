package io.ucp.signaling.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The devices connected to this instance's device channel. Connected = ringable; a dropped device is removed at
 * once and is no longer offered calls.
 */
@ApplicationScoped
public class DeviceRegistry {

    /** A live device connection and the account it was opened by. */
    public record Connected(UUID accountId, UUID deviceId, boolean trunk, WebSocketConnection connection) {
    }

    private final Map<UUID, Connected> byDevice = new ConcurrentHashMap<>();
    private final ObjectMapper mapper;

    public DeviceRegistry(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Registers a device; a second connection of the same device replaces (and closes) the first. */
    public void connected(UUID accountId, UUID deviceId, boolean trunk, WebSocketConnection connection) {
        Connected previous = byDevice.put(deviceId, new Connected(accountId, deviceId, trunk, connection));
        if (previous != null && !previous.connection().id().equals(connection.id())) {
            previous.connection().close().subscribe().with(ok -> { }, e -> { });
        }
    }

    public void disconnected(UUID deviceId, WebSocketConnection connection) {
        byDevice.computeIfPresent(deviceId, (id, c) -> c.connection().id().equals(connection.id()) ? null : c);
    }

    /** True when {@code deviceId} is connected right now by {@code accountId}. */
    public boolean isConnectedBy(UUID deviceId, UUID accountId) {
        Connected c = byDevice.get(deviceId);
        return c != null && c.accountId().equals(accountId) && c.connection().isOpen();
    }

    /** True when {@code deviceId} is connected right now as a trunk (gateway) by {@code accountId}. */
    public boolean isTrunk(UUID deviceId, UUID accountId) {
        Connected c = byDevice.get(deviceId);
        return c != null && c.trunk() && c.accountId().equals(accountId) && c.connection().isOpen();
    }

    /** The account of a connected trunk, or null when that trunk is not connected. */
    public UUID trunkOwner(UUID deviceId) {
        Connected c = byDevice.get(deviceId);
        return c != null && c.trunk() && c.connection().isOpen() ? c.accountId() : null;
    }

    /** The account's connected (user) devices, in a stable order; trunks are rung only through the route table. */
    public List<UUID> devicesOf(UUID accountId) {
        return byDevice.values().stream()
                .filter(c -> c.accountId().equals(accountId) && !c.trunk() && c.connection().isOpen())
                .map(Connected::deviceId).sorted().toList();
    }

    /** Sends one JSON message to a device if it is connected; a failed send is logged, never propagated. */
    public void send(UUID deviceId, Object message) {
        if (deviceId == null) {
            return;
        }
        Connected c = byDevice.get(deviceId);
        if (c == null || !c.connection().isOpen()) {
            return;
        }
        String text;
        try {
            text = mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Unserialisable device message", e);
        }
        c.connection().sendText(text).subscribe().with(ok -> { },
                e -> Log.debugf("Could not send to device %s: %s", deviceId, e.getMessage()));
    }
}
