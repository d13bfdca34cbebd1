package io.ucp.presence.presence;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "ucp.presence")
public interface PresenceConfig {

    /** A device with no feed connection and no heartbeat for this long is gone. */
    @WithDefault("60s")
    Duration deviceTtl();

    /**
     * Flap damping: a user with no live device turns offline only after this long; a reconnect within it is
     * invisible to watchers.
     */
    @WithDefault("30s")
    Duration offlineGrace();

    /** How often due offline checks and expired status texts are looked at. */
    @WithDefault("1s")
    Duration sweepInterval();
}
