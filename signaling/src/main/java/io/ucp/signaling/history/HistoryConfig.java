package io.ucp.signaling.history;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Call history settings. */
@ConfigMapping(prefix = "ucp.signaling.history")
public interface HistoryConfig {

    /** Ended calls older than this are deleted with their legs, routing attempts and history entries. */
    @WithDefault("400d")
    Duration retention();

    /** Ended calls deleted per pruning round (rounds repeat until nothing is left, each its own transaction). */
    @WithDefault("500")
    int pruneBatchSize();

    /** Pruning rounds per run at most, so one run stays bounded however far behind it is. */
    @WithDefault("20")
    int pruneMaxRounds();

    /** Largest page of history entries a list request returns. */
    @WithDefault("100")
    int maxPageSize();
}
