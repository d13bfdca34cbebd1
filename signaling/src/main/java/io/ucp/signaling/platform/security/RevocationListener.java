package io.ucp.signaling.platform.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.platform.events.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Follows identity's session and account events so that a revoked session's tokens are refused here within a
 * moment of the revocation. Applying an event twice is harmless (it sets the same key), so no claim is needed.
 */
@ApplicationScoped
public class RevocationListener {

    private final RevokedSessions revoked;
    private final ObjectMapper mapper;

    public RevocationListener(RevokedSessions revoked, ObjectMapper mapper) {
        this.revoked = revoked;
        this.mapper = mapper;
    }

    @Incoming("identity-revocations")
    public Uni<Void> onIdentityEvent(String record) {
        IncomingEvent event;
        try {
            event = IncomingEvent.parse(mapper, record);
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping an unreadable identity event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        Instant at = event.time() == null ? Instant.now() : event.time().toInstant();
        Uni<Void> apply;
        try {
            apply = switch (event.type()) {
                case "session.revoked" -> revoked.revokeSession(required(event, "sessionId"), at);
                case "account.suspended", "account.deleted" -> revoked.revokeAccountTokens(accountOf(event), at);
                case "account.reactivated" -> revoked.clearAccount(accountOf(event));
                default -> Uni.createFrom().voidItem();
            };
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping identity event %s (%s): %s", event.id(), event.type(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        // Redis briefly away must not stop the stream: retry, and only then let the channel report the failure.
        return apply.onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(30);
    }

    private static UUID accountOf(IncomingEvent event) {
        return UUID.fromString(required(event, "accountId"));
    }

    private static String required(IncomingEvent event, String field) {
        String value = event.data().path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalArgumentException("data." + field + " is missing");
        }
        return value;
    }
}
