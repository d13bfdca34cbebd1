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

    /** Largest page of calls a list request returns. */
    @WithDefault("100")
    int maxPageSize();
}
