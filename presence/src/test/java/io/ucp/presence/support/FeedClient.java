package io.ucp.presence.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A real WebSocket client of /v1/feed (java.net.http), recording every frame it receives. */
public final class FeedClient implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final List<JsonNode> frames;
    public final CompletableFuture<Integer> closed;
    private final WebSocket socket;

    private FeedClient(WebSocket socket, Listener listener) {
        this.socket = socket;
        this.frames = listener.frames;
        this.closed = listener.closed;
    }

    public static FeedClient connect(int port, String query) {
        return connect(URI.create("ws://127.0.0.1:" + port + "/v1/feed?" + query), null);
    }

    public static FeedClient connect(URI uri, String subprotocols) {
        Listener listener = new Listener();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocols != null) {
            String[] all = subprotocols.split(",");
            builder.subprotocols(all[0], java.util.Arrays.copyOfRange(all, 1, all.length));
        }
        WebSocket socket = builder.buildAsync(uri, listener).join();
        return new FeedClient(socket, listener);
    }

    public static FeedClient open(int port, Api.User user) {
        FeedClient client = connect(port, "access_token=" + user.token());
        client.awaitType("snapshot");
        return client;
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Drops the connection without a close handshake, as a lost network would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(1000, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public JsonNode awaitFrame(Predicate<JsonNode> match) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> frames.stream().filter(match).findFirst(),
                java.util.Optional::isPresent).get();
    }

    public JsonNode awaitType(String type) {
        return awaitFrame(f -> type.equals(f.path("type").asText()));
    }

    public List<JsonNode> ofType(String type) {
        return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
    }

    /** Presence frames about one account, in arrival order. */
    public List<String> presenceStates(java.util.UUID account) {
        return ofType("presence").stream().filter(f -> account.toString().equals(f.path("data").path("accountId").asText()))
                .map(f -> f.path("data").path("state").asText()).toList();
    }

    public long lastSeq() {
        return frames.isEmpty() ? 0 : frames.get(frames.size() - 1).path("seq").asLong();
    }

    private static final class Listener implements WebSocket.Listener {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(MAPPER.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
