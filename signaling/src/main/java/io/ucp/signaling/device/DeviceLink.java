package io.ucp.signaling.device;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * What a connected device is to the registry: a WebSocket connection of the device channel, or a registered SIP
 * phone (whose link turns the same JSON messages into SIP). Ids are unique per connection.
 */
public interface DeviceLink {

    String id();

    boolean isOpen();

    Uni<Void> sendText(String text);

    Uni<Void> close();

    /** Closes with a WebSocket close code; a link without one (a SIP phone's) just closes. */
    default Uni<Void> close(int code, String reason) {
        return close();
    }

    /** identity's session the link was opened with, or null (SIP phones authenticate per request, not by session). */
    default String sessionId() {
        return null;
    }

    static DeviceLink of(WebSocketConnection connection) {
        return new DeviceLink() {
            @Override
            public String id() {
                return connection.id();
            }

            @Override
            public boolean isOpen() {
                return connection.isOpen();
            }

            @Override
            public Uni<Void> sendText(String text) {
                return connection.sendText(text);
            }

            @Override
            public Uni<Void> close() {
                return connection.close();
            }

            @Override
            public Uni<Void> close(int code, String reason) {
                return connection.close(new CloseReason(code, reason));
            }

            @Override
            public String sessionId() {
                return connection.userData().get(DeviceChannelAuth.SESSION);
            }
        };
    }
}
