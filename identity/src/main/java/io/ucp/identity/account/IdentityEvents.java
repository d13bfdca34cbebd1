package io.ucp.identity.account;

import io.ucp.identity.platform.outbox.OutgoingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Builds identity.events (key = account id) with the data shapes of the cross-service contract. */
@ApplicationScoped
public class IdentityEvents {

    private final String topic;

    public IdentityEvents(@ConfigProperty(name = "ucp.topics.identity-events") String topic) {
        this.topic = topic;
    }

    public OutgoingEvent accountChanged(String type, Account account) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountId", account.id());
        data.put("roles", account.roles());
        data.put("status", account.status());
        data.put("createdAt", account.createdAt());
        return of(account.id(), type, data);
    }

    /** account.suspended / account.reactivated / account.deleted: {accountId}. */
    public OutgoingEvent accountLifecycle(String type, UUID accountId) {
        return of(accountId, type, Map.of("accountId", accountId));
    }

    public OutgoingEvent sessionRevoked(UUID accountId, String sessionId, String reason) {
        return of(accountId, "session.revoked", Map.of("accountId", accountId, "sessionId", sessionId, "reason", reason));
    }

    /** Any other identity event keyed by an account (profile, device, routing rules). */
    public OutgoingEvent of(UUID accountId, String type, Object data) {
        return OutgoingEvent.of(topic, accountId.toString(), type, accountId.toString(), data);
    }

    /** feature-flag.changed is keyed by the account of an override, or by the flag key for a global default. */
    public OutgoingEvent keyed(String key, String type, Object data) {
        return OutgoingEvent.of(topic, key, type, key, data);
    }
}
