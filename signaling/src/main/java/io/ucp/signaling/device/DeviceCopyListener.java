package io.ucp.signaling.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.device.DeviceRegistry.Revoked;
import io.ucp.signaling.platform.events.IncomingEvent;
import io.ucp.signaling.platform.security.RevokedSessions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Follows identity.events for the device channel (its own consumer group, so a new deployment reads every device
 * registered before it): {@code device.registered} / {@code device.removed} keep {@link DeviceCopies} current; a
 * removed device, a revoked session ({@code session.revoked}, also sent for every other session on a password
 * change) and a suspended or deleted account close the matching open channels (1008) on every instance. The
 * revocation is written to {@link RevokedSessions} first (the same idempotent write the platform listener makes),
 * so a reconnect or a message racing the close is already refused. Every effect is idempotent.
 */
@ApplicationScoped
public class DeviceCopyListener {

    private final DeviceCopies copies;
    private final DeviceRegistry registry;
    private final RevokedSessions revoked;
    private final ObjectMapper mapper;

    public DeviceCopyListener(DeviceCopies copies, DeviceRegistry registry, RevokedSessions revoked,
            ObjectMapper mapper) {
        this.copies = copies;
        this.registry = registry;
        this.revoked = revoked;
        this.mapper = mapper;
    }

    @Incoming("identity-devices")
    public Uni<Void> onIdentityEvent(String record) {
        IncomingEvent event;
        Uni<Void> apply;
        try {
            event = IncomingEvent.parse(mapper, record);
            apply = apply(event);
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping an unreadable identity event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return apply.onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(30)
                .onFailure().recoverWithItem(e -> {
                    Log.errorf("Giving up on identity event %s (%s): %s", event.id(), event.type(), e.getMessage());
                    return null;
                });
    }

    private Uni<Void> apply(IncomingEvent event) {
        Instant at = event.time() == null ? Instant.now() : event.time().toInstant();
        return switch (event.type()) {
            case "device.registered" -> copies.registered(account(event), uuid(event, "deviceId"),
                    event.data().path("type").asText("web"), event.sequence());
            case "device.removed" -> {
                UUID device = uuid(event, "deviceId");
                yield copies.removed(account(event), device, event.sequence())
                        .chain(() -> registry.closeEverywhere(Revoked.DEVICE, device.toString()));
            }
            case "session.revoked" -> {
                String session = text(event, "sessionId");
                yield revoked.revokeSession(session, at)
                        .chain(() -> registry.closeEverywhere(Revoked.SESSION, session));
            }
            case "account.suspended" -> revoked.revokeAccountTokens(account(event), at)
                    .chain(() -> registry.closeEverywhere(Revoked.ACCOUNT, account(event).toString()));
            case "account.deleted" -> revoked.revokeAccountTokens(account(event), at)
                    .chain(() -> copies.accountDeleted(account(event), event.sequence()))
                    .chain(() -> registry.closeEverywhere(Revoked.ACCOUNT, account(event).toString()));
            default -> Uni.createFrom().voidItem();
        };
    }

    private static UUID account(IncomingEvent event) {
        return uuid(event, "accountId");
    }

    private static UUID uuid(IncomingEvent event, String field) {
        try {
            return UUID.fromString(text(event, field));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("data." + field + " is not a UUID");
        }
    }

    private static String text(IncomingEvent event, String field) {
        String value = event.data().path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalArgumentException("data." + field + " is missing");
        }
        return value;
    }
}
