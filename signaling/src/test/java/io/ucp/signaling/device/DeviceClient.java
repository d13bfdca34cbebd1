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

    private DeviceClient(UUID accountId, UUID deviceId, WebSocket.Builder builder, URI uri) throws Exception {
        this.accountId = accountId;
        this.deviceId = deviceId;
        this.socket = builder.buildAsync(uri, new JsonMessages(received::add, () -> closedByServer.set(true))).get(10, TimeUnit.SECONDS);
        awaitMessage("ready", m -> true);
    }

    /** Connects with the token in the {@code access_token} query parameter (the browser way). */
    public static DeviceClient connect(URI channel, UUID accountId, UUID deviceId, String token) throws Exception {
        URI uri = URI.create(ws(channel) + "?deviceId=" + deviceId + "&access_token=" + token);
        return new DeviceClient(accountId, deviceId, HTTP.newWebSocketBuilder(), uri);
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
        URI uri = URI.create(ws(channel) + "?deviceId=" + deviceId);
        return new DeviceClient(accountId, deviceId,
                HTTP.newWebSocketBuilder().subprotocols("ucp.v1", "ucp.bearer." + token), uri);
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

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null)
                .join();
    }
}
