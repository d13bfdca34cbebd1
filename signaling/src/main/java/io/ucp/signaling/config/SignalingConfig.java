package io.ucp.signaling.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Call-control settings. */
@ConfigMapping(prefix = "ucp.signaling")
public interface SignalingConfig {

    /** How long callee devices ring before the call ends with no-answer. */
    @WithDefault("30s")
    Duration ringTimeout();

    /** How often the timer poller looks for due timers (read by the scheduler expression). */
    @WithDefault("500ms")
    Duration timerPollInterval();

    /** Due timers claimed per poll. */
    @WithDefault("100")
    int timerBatchSize();

    /**
     * Outbound route table: E.164 prefix → trunk (gateway) device ids in fallback order. Longest prefix first,
     * then shorter matching prefixes. Kept in configuration (no table may be added; routes change with trunks,
     * which are provisioned by operators anyway).
     */
    Map<String, List<UUID>> outboundRoutes();

    /**
     * How long an answered call survives a device on one side that is gone from the device directory (closed,
     * crashed, instance dead) before it ends with cause device-lost; long enough for a device to reconnect.
     */
    @WithDefault("60s")
    Duration deviceLostGrace();

    /** Live device legs one device-lost sweep looks at. */
    @WithDefault("2000")
    int deviceLostSweepBatch();

    /** Largest page of calls a list request returns. */
    @WithDefault("100")
    int maxPageSize();
}
