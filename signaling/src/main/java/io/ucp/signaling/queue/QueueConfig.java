package io.ucp.signaling.queue;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** ACD settings. */
@ConfigMapping(prefix = "ucp.signaling.queue")
public interface QueueConfig {

    /**
     * How often the sweeper ends due wrap-ups, repairs agents left on-call, offers waiting callers to agents who
     * became offerable without an event (presence back, a device connected) and pushes changed queue positions.
     */
    @WithDefault("1s")
    Duration sweepInterval();

    /** The handle time assumed for the wait estimate while a queue has no answered call in the last day. */
    @WithDefault("120s")
    Duration defaultHandleTime();

    /** Overflow chains (queue → queue → ...) stop after this many hops, ending the call. */
    @WithDefault("3")
    int maxOverflowHops();

    /** Largest page of queues a list request returns. */
    @WithDefault("100")
    int maxPageSize();
}
