package io.ucp.signaling.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A WebSocket listener that joins text fragments and hands each whole message, parsed as JSON, to a consumer. */
final class JsonMessages implements WebSocket.Listener {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final StringBuilder partial = new StringBuilder();
    private final Consumer<JsonNode> consumer;
    private final java.util.function.IntConsumer onClose;

    JsonMessages(Consumer<JsonNode> consumer) {
        this(consumer, () -> { });
    }

    /** {@code onClose} runs when the server closes the socket (a device replaced by a newer connection). */
    JsonMessages(Consumer<JsonNode> consumer, Runnable onClose) {
        this(consumer, code -> onClose.run());
    }

    /** {@code onClose} gets the server's close code. */
    JsonMessages(Consumer<JsonNode> consumer, java.util.function.IntConsumer onClose) {
        this.consumer = consumer;
        this.onClose = onClose;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        onClose.accept(statusCode);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                consumer.accept(MAPPER.readTree(partial.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                partial.setLength(0);
            }
        }
        webSocket.request(1);
        return null;
    }
}
