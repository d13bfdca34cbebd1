package io.ucp.signaling.sip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.platform.events.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * SIP credentials from identity.events: {@code device.registered} of a SIP device (username + sealed HA1) is kept
 * in {@link SipDirectory}; {@code device.removed}, {@code account.suspended} and {@code account.deleted} drop the
 * credentials and every registration at once, so the phone can neither ring nor register again. Idempotent: a
 * redelivered event writes the same values or deletes what is already gone.
 */
@ApplicationScoped
public class SipCredentialListener {

    private final SipDirectory directory;
    private final SipCredentialSeal seal;
    private final ObjectMapper mapper;

    public SipCredentialListener(SipDirectory directory, SipCredentialSeal seal, ObjectMapper mapper) {
        this.directory = directory;
        this.seal = seal;
        this.mapper = mapper;
    }

    @Incoming("identity-sip")
    public Uni<Void> onIdentityEvent(String record) {
        IncomingEvent event;
        Uni<Void> effect;
        try {
            event = IncomingEvent.parse(mapper, record);
            effect = effect(event);
        } catch (IllegalArgumentException e) {
            Log.warnf("Skipping an unreadable identity event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return effect.onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .onFailure().recoverWithItem(e -> {
                    Log.errorf("Giving up on event %s (%s): %s", event.id(), event.type(), e.getMessage());
                    return null;
                });
    }

    private Uni<Void> effect(IncomingEvent event) {
        JsonNode data = event.data();
        return switch (event.type()) {
            case "device.registered" -> {
                if (!"sip".equals(data.path("type").asText()) || !data.hasNonNull("sipHa1Sealed")) {
                    yield Uni.createFrom().voidItem();
                }
                UUID device = UUID.fromString(data.path("deviceId").asText());
                String ha1 = seal.open(device, data.path("sipHa1Sealed").asText());
                yield directory.putCredential(new SipDirectory.Credential(data.path("sipUsername").asText(), device,
                        UUID.fromString(data.path("accountId").asText()), ha1));
            }
            case "device.removed" -> directory.removeDevice(UUID.fromString(data.path("deviceId").asText()));
            case "account.suspended", "account.deleted" ->
                    directory.removeAccount(UUID.fromString(data.path("accountId").asText()));
            default -> Uni.createFrom().voidItem();
        };
    }
}
