package io.ucp.signaling.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.call.CallStates;
import io.ucp.signaling.platform.events.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the local copies current from identity.events (routing-rules.changed, account.suspended / deleted /
 * reactivated, profile.updated for the number → account map of inbound calls, the time zone routing rules are
 * read in and the display name call history shows), presence.events (presence.changed: the state routing rules' presence condition reads) and
 * billing.events (balance.exhausted ends the account's active calls with insufficient-funds and refuses new ones;
 * balance.topped-up clears that). Every effect is idempotent (a flag set again, a call already
 * ended stays ended), so a redelivered event changes nothing.
 */
@ApplicationScoped
public class StandingListener {

    private final AccountCopies copies;
    private final CallService calls;
    private final ObjectMapper mapper;

    public StandingListener(AccountCopies copies, CallService calls, ObjectMapper mapper) {
        this.copies = copies;
        this.calls = calls;
        this.mapper = mapper;
    }

    @Incoming("identity-copies")
    public Uni<Void> onIdentityEvent(String record) {
        return handle(record, event -> switch (event.type()) {
            case "routing-rules.changed" -> copies.putRules(account(event), event.sequence(),
                    event.data().path("rules"));
            case "account.suspended", "account.deleted" -> copies.setSuspended(account(event), event.sequence(), true);
            case "account.reactivated" -> copies.setSuspended(account(event), event.sequence(), false);
            case "feature-flag.changed" -> copies.setFlag(event.data().path("key").asText(),
                    event.data().hasNonNull("accountId") ? account(event) : null, event.sequence(),
                    event.data().get("value"));
            case "profile.updated" -> copies.setPhone(account(event), event.sequence(),
                    event.data().path("phoneE164").asText(null))
                    .chain(() -> copies.setTimeZone(account(event), event.sequence(),
                            event.data().path("timeZone").asText(null)))
                    .chain(() -> copies.setDisplayName(account(event), event.sequence(),
                            event.data().path("displayName").asText(null)));
            default -> Uni.createFrom().voidItem();
        });
    }

    /** The callee's presence, which routing rules' {@code presence} condition reads. */
    @Incoming("presence-copies")
    public Uni<Void> onPresenceEvent(String record) {
        return handle(record, event -> {
            if (!"presence.changed".equals(event.type())) {
                return Uni.createFrom().voidItem();
            }
            JsonNode data = event.data();
            if (!data.path("state").isTextual() || !data.path("version").canConvertToLong()) {
                throw new IllegalArgumentException("presence.changed without state or version");
            }
            return copies.setPresence(account(event), data.path("version").asLong(), data.path("state").asText());
        });
    }

    @Incoming("billing-standing")
    public Uni<Void> onBillingEvent(String record) {
        return handle(record, event -> switch (event.type()) {
            case "balance.exhausted" -> copies.setOutOfFunds(account(event), event.sequence(), true)
                    .chain(() -> calls.endActiveCallsPaidBy(account(event), CallStates.INSUFFICIENT_FUNDS));
            case "balance.topped-up" -> copies.setOutOfFunds(account(event), event.sequence(), false);
            default -> Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> handle(String record, java.util.function.Function<IncomingEvent, Uni<Void>> effect) {
        IncomingEvent event;
        Uni<Void> apply;
        try {
            event = IncomingEvent.parse(mapper, record);
            apply = effect.apply(event);
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping an unreadable event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return apply.onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .onFailure().recoverWithItem(e -> {
                    Log.errorf("Giving up on event %s (%s): %s", event.id(), event.type(), e.getMessage());
                    return null;
                });
    }

    private static UUID account(IncomingEvent event) {
        return UUID.fromString(event.data().path("accountId").asText());
    }
}
