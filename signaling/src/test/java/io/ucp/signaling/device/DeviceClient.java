package io.ucp.signaling.device;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/** A device on the device channel, as a test drives it: a real WebSocket client recording what it receives. */
public final class DeviceClient implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final UUID deviceId;
    public final UUID accountId;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final WebSocket socket;
    private final AtomicBoolean closedByServer = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger closeCode = new java.util.concurrent.atomic.AtomicInteger();

    private DeviceClient(UUID accountId, UUID deviceId, WebSocket.Builder builder, URI uri) throws Exception {
        this.accountId = accountId;
        this.deviceId = deviceId;
        this.socket = builder.buildAsync(uri, new JsonMessages(received::add, (int code) -> {
            closeCode.set(code);
            closedByServer.set(true);
        })).get(10, TimeUnit.SECONDS);
        awaitMessage("ready", m -> true);
    }

    /**
     * Registers the device to the account (identity's device.registered event) and connects it with the token in
     * the {@code access_token} query parameter (the browser way), once signaling's copy knows the device.
     */
    public static DeviceClient connect(URI channel, UUID accountId, UUID deviceId, String token) throws Exception {
        IdentityDevices.registered(accountId, deviceId);
        return connectRegistered(channel, accountId, deviceId, token);
    }

    /** Connects a device already registered to the account, waiting until signaling's copy knows it. */
    public static DeviceClient connectRegistered(URI channel, UUID accountId, UUID deviceId, String token)
            throws Exception {
        URI uri = URI.create(ws(channel) + "?deviceId=" + deviceId + "&access_token=" + token);
        return whenRegistered(() -> new DeviceClient(accountId, deviceId, HTTP.newWebSocketBuilder(), uri));
    }

    private interface Connect {
        DeviceClient open() throws Exception;
    }

    /** The copy follows identity's event within moments: a 403 until then is retried (bounded). */
    private static DeviceClient whenRegistered(Connect connect) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return connect.open();
            } catch (java.util.concurrent.ExecutionException e) {
                boolean refused = e.getCause() instanceof java.net.http.WebSocketHandshakeException h
                        && h.getResponse().statusCode() == 403;
                if (!refused || System.nanoTime() > deadline) {
                    throw e;
                }
                await().pollDelay(Duration.ofMillis(100)).until(() -> true);
            }
        }
    }

    /** Connects a SIP gateway (trunk) device: {@code kind=trunk}, with a token of a gateway or admin account. */
    public static DeviceClient connectTrunk(URI channel, UUID accountId, UUID deviceId, String token)
            throws Exception {
        URI uri = URI.create(ws(channel) + "?kind=trunk&deviceId=" + deviceId + "&access_token=" + token);
        return new DeviceClient(accountId, deviceId, HTTP.newWebSocketBuilder(), uri);
    }

    /** Connects with the token as a {@code Sec-WebSocket-Protocol} entry (the other browser way). */
    public static DeviceClient connectWithSubprotocol(URI channel, UUID accountId, UUID deviceId, String token)
            throws Exception {
        IdentityDevices.registered(accountId, deviceId);
        URI uri = URI.create(ws(channel) + "?deviceId=" + deviceId);
        return whenRegistered(() -> new DeviceClient(accountId, deviceId,
                HTTP.newWebSocketBuilder().subprotocols("ucp.v1", "ucp.bearer." + token), uri));
    }

    public static String ws(URI channel) {
        return channel.toString().replaceFirst("^http", "ws");
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void send(Map<String, Object> message) throws Exception {
        socket.sendText(MAPPER.writeValueAsString(message), true).get(5, TimeUnit.SECONDS);
    }

    /** Sends a text frame as it is (fuzzing: anything, not only JSON). */
    public void sendRaw(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
    }

    public List<JsonNode> received() {
        return List.copyOf(received);
    }

    /** Waits for a message of this type matching the predicate, and returns it. */
    public JsonNode awaitMessage(String type, Predicate<JsonNode> matching) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> received.stream()
                .filter(m -> type.equals(m.path("type").asText()) && matching.test(m)).findFirst().orElse(null),
                m -> m != null);
    }

    public JsonNode awaitCall(String type, UUID callId, String state) {
        return awaitMessage(type, m -> callId.toString().equals(m.path("callId").asText())
                && (state == null || state.equals(m.path("call").path("state").asText())));
    }

    /** Waits until the server has closed this connection (e.g. the same device connected elsewhere). */
    public void awaitClosedByServer() {
        await().atMost(Duration.ofSeconds(15)).untilTrue(closedByServer);
    }

    public boolean closedByServer() {
        return closedByServer.get();
    }

    /** The close code the server sent (0 while open). */
    public int closeCode() {
        return closeCode.get();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null)
                .join();
    }
}
