package io.ucp.signaling.device;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The cluster-wide device directory (see {@link DeviceRegistry}). */
@ConfigMapping(prefix = "ucp.signaling.devices")
public interface DeviceDirectoryConfig {

    /**
     * How often this instance tells the others it is alive (and learns which of them are). Read by the scheduler
     * expression, which runs nothing more often than once a second.
     */
    @WithDefault("2s")
    Duration heartbeatInterval();

    /**
     * An instance not heard from for this long counts as gone: its devices stop being ringable and its directory
     * entries are removed. Several heartbeats long, so one slow beat does not take a pod's devices offline.
     */
    @WithDefault("10s")
    Duration instanceTimeout();
}
