package io.ucp.billing.cdr;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ucp.billing.platform.events.IncomingEvent;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * call.events in batches (one poll = one transaction, see {@link CdrIngest}). Offsets are committed after the
 * returned Uni completes, so a restart redelivers at most the uncommitted batches, which the claims and the
 * UNIQUE call_id turn into no-ops. Unreadable records are skipped; a record the database refuses (a data error) is
 * isolated by replaying the batch one record at a time; anything else (database away) is retried.
 */
@ApplicationScoped
public class CallEventsConsumer {

    private final CdrIngest ingest;
    private final ObjectMapper mapper;

    public CallEventsConsumer(CdrIngest ingest, ObjectMapper mapper) {
        this.ingest = ingest;
        this.mapper = mapper;
    }

    @Incoming("call-events")
    public Uni<Void> onCallEvents(List<String> records) {
        List<IncomingEvent> events = new ArrayList<>(records.size());
        for (String record : records) {
            try {
                events.add(IncomingEvent.parse(mapper, record));
            } catch (IllegalArgumentException e) {
                Log.warnf("Skipping an unreadable call event: %s", e.getMessage());
            }
        }
        return ingest.ingest(events)
                .onFailure(CallEventsConsumer::isDataError).recoverWithUni(e -> oneByOne(events, e))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(100)
                .invoke(result -> {
                    if (result.written() > 0 || result.duplicates() > 0) {
                        Log.debugf("CDR batch: %d written, %d duplicates, %d skipped", result.written(),
                                result.duplicates(), result.skipped());
                    }
                })
                .replaceWithVoid();
    }

    private Uni<CdrIngest.Result> oneByOne(List<IncomingEvent> events, Throwable cause) {
        Log.warnf("A call.events batch was refused (%s); applying its records one by one", cause.getMessage());
        return Multi.createFrom().iterable(events)
                .onItem().transformToUniAndConcatenate(event -> ingest.ingest(List.of(event))
                        .onFailure(CallEventsConsumer::isDataError).recoverWithItem(e -> {
                            Log.errorf("Skipping call event %s (%s): refused by the database: %s", event.id(),
                                    event.type(), e.getMessage());
                            return new CdrIngest.Result(0, 0, 1);
                        }))
                .collect().asList()
                .map(results -> new CdrIngest.Result(results.stream().mapToInt(CdrIngest.Result::written).sum(),
                        results.stream().mapToInt(CdrIngest.Result::duplicates).sum(),
                        results.stream().mapToInt(CdrIngest.Result::skipped).sum()));
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity): retrying the same rows cannot succeed. */
    static boolean isDataError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }
}
