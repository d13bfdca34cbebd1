package io.ucp.presence.feed;

import io.quarkus.logging.Log;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * The user's live feed: {@code wss://host/v1/feed?access_token=<token>} (or {@code Authorization: Bearer}, or
 * subprotocols {@code ucp.feed.v1, bearer.<token>}); add {@code &session=<id>&lastSeq=<n>} to resume. Protocol
 * in presence/README.md.
 */
@WebSocket(path = "/v1/feed")
public class FeedEndpoint {

    private final FeedService feed;

    public FeedEndpoint(FeedService feed) {
        this.feed = feed;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        return feed.open(connection).onFailure().recoverWithUni(e -> {
            Log.warnf(e, "Feed open failed");
            return connection.close().onFailure().recoverWithNull();
        });
    }

    @OnTextMessage
    public Uni<Void> onText(String text, WebSocketConnection connection) {
        return feed.onText(connection, text).onFailure().recoverWithNull();
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        feed.closed(connection);
    }

    @OnError
    public Uni<Void> onError(Throwable failure, WebSocketConnection connection) {
        Log.debugf("Feed connection %s: %s", connection.id(), failure.getMessage());
        String text = String.valueOf(failure.getMessage()) + failure.getClass().getName();
        if (text.contains("TooLong") || text.contains("too long") || text.contains("too big")
                || text.contains("exceeds") || text.contains("max message size")) {
            // A frame or message over the cap: a clean close, the rest of the instance unaffected.
            return connection.close(new io.quarkus.websockets.next.CloseReason(1009, "frame too big"))
                    .onFailure().recoverWithNull();
        }
        return Uni.createFrom().voidItem();
    }
}
