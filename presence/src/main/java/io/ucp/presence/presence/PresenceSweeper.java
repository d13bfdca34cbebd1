package io.ucp.presence.presence;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns users offline once their grace period is over, and clears expired status texts. */
@ApplicationScoped
public class PresenceSweeper {

    private final DeviceRegistry devices;
    private final PresenceService presence;

    public PresenceSweeper(DeviceRegistry devices, PresenceService presence) {
        this.devices = devices;
        this.presence = presence;
    }

    @Scheduled(every = "${ucp.presence.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return devices.claimDue(500).chain(presence::recomputeAll)
                .chain(presence::expireStatusTexts)
                .onFailure().invoke(e -> Log.warnf("Presence sweep failed (retried next tick): %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
