package io.ucp.signaling.device;

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
        };
    }
}
