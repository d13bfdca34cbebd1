package io.ucp.signaling.media;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Releases rtpengine sessions left behind when signaling crashed (or a delete was lost): at start and every
 * {@code sweep.interval}, rtpengine's calls with this deployment's prefix are compared with call_sessions, and those
 * whose call is not active (ended, unknown, or not a call id at all) are deleted — once older than
 * {@code sweep.grace}, so a call whose row is being committed while its media is set up is left alone. Bounded:
 * at most {@code sweep.max-calls} sessions per run. With several instances each sweeps; deletes are idempotent.
 */
@ApplicationScoped
public class StaleMediaSweeper {

    private final RtpEngineRelay relay;
    private final MediaSessionStore store;
    private final MediaConfig config;

    public StaleMediaSweeper(RtpEngineRelay relay, MediaSessionStore store, MediaConfig config) {
        this.relay = relay;
        this.store = store;
        this.config = config;
    }

    /** What a sweep did. */
    public record Result(int looked, List<String> deleted) {
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            sweep(config.sweep().grace()).subscribe().with(r -> { }, e -> { });
        }
    }

    @Scheduled(every = "${ucp.signaling.media.sweep.interval:60s}", delayed = "${ucp.signaling.media.sweep.interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return sweep(config.sweep().grace()).replaceWithVoid().onFailure().recoverWithNull();
    }

    /** One sweep; sessions younger than {@code grace} stay. */
    public Uni<Result> sweep(Duration grace) {
        return relay.list(config.sweep().maxCalls()).chain(ids -> {
            List<UUID> uuids = new ArrayList<>();
            for (String id : ids) {
                UUID u = uuid(id);
                if (u != null) {
                    uuids.add(u);
                }
            }
            return store.active(uuids).chain(active -> {
                List<String> candidates = ids.stream().filter(id -> !isActive(id, active)).toList();
                long cutoff = Instant.now().minus(grace).getEpochSecond();
                return Multi.createFrom().iterable(candidates)
                        .onItem().transformToUniAndConcatenate(id -> relay.createdAt(id)
                                .chain(created -> created <= cutoff
                                        ? relay.delete(id).replaceWith(id)
                                        : Uni.createFrom().<String>nullItem())
                                // Gone meanwhile (deleted by its call's end or another instance's sweep): nothing to do.
                                .onFailure(e -> e instanceof MediaRelayException m
                                        && m.reason() == MediaRelayException.Reason.NOT_FOUND)
                                .recoverWithNull())
                        .collect().asList()
                        .map(deleted -> {
                            if (!deleted.isEmpty()) {
                                Log.infof("Released %d stale rtpengine session(s) of calls not active: %s",
                                        deleted.size(), deleted);
                            }
                            return new Result(ids.size(), deleted);
                        });
            });
        }).onFailure().invoke(e -> Log.warnf("Stale media sweep failed: %s", e.getMessage()));
    }

    private static boolean isActive(String id, Set<UUID> active) {
        UUID u = uuid(id);
        return u != null && active.contains(u);
    }

    private static UUID uuid(String id) {
        try {
            return id.length() == 36 ? UUID.fromString(id) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
