package io.ucp.signaling.history;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * Retention: ended calls older than {@code ucp.signaling.history.retention} go, with their legs, routing attempts and
 * history entries (cascade). Bounded: at most {@code prune-max-rounds} batches per run; instances may run it at the
 * same time (each batch deletes rows no other batch can see twice).
 */
@ApplicationScoped
public class HistoryPruner {

    private final HistoryStore store;
    private final HistoryConfig config;
    private final Clock clock;

    public HistoryPruner(HistoryStore store, HistoryConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return pruneOnce().replaceWithVoid();
    }

    /** Emits how many calls were deleted. */
    public Uni<Integer> pruneOnce() {
        OffsetDateTime cutoff = OffsetDateTime.now(clock).minus(config.retention());
        return round(cutoff, 0, 0).invoke(n -> {
            if (n > 0) {
                Log.infof("Pruned %d calls ended before %s", n, cutoff);
            }
        });
    }

    private Uni<Integer> round(OffsetDateTime cutoff, int done, int rounds) {
        if (rounds >= config.pruneMaxRounds()) {
            return Uni.createFrom().item(done);
        }
        return store.prune(cutoff, config.pruneBatchSize()).chain(n -> n < config.pruneBatchSize()
                ? Uni.createFrom().item(done + n) : round(cutoff, done + n, rounds + 1));
    }
}
