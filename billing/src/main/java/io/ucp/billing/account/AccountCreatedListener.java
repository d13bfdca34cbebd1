package io.ucp.billing.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.events.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Opens a billing account for every account identity creates. The insert is ON CONFLICT DO NOTHING on the primary
 * key, so a redelivered event changes nothing (no claim row needed) and an admin's later settings survive it.
 */
@ApplicationScoped
public class AccountCreatedListener {

    private final AccountBillingService accounts;
    private final ObjectMapper mapper;

    public AccountCreatedListener(AccountBillingService accounts, ObjectMapper mapper) {
        this.accounts = accounts;
        this.mapper = mapper;
    }

    @Incoming("identity-accounts")
    public Uni<Void> onIdentityEvent(String record) {
        IncomingEvent event;
        UUID accountId;
        try {
            event = IncomingEvent.parse(mapper, record);
            if (!"account.created".equals(event.type())) {
                return Uni.createFrom().voidItem();
            }
            accountId = UUID.fromString(event.data().path("accountId").asText());
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping an unreadable identity event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return accounts.ensureAccount(accountId)
                .invoke(created -> Log.debugf("Billing account %s %s", accountId, created ? "opened" : "already open"))
                .replaceWithVoid()
                // PostgreSQL briefly away must not lose the account: retry before the channel reports the failure.
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(30);
    }
}
