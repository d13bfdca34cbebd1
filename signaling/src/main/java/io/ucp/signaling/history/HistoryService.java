package io.ucp.signaling.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.platform.problem.ProblemException;
import io.ucp.signaling.routing.AccountCopies;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reads call history, the missed-calls badge and routing attempts, each only for whoever may see them. */
@ApplicationScoped
public class HistoryService {

    private final HistoryStore store;
    private final CallService calls;
    private final AccountCopies copies;
    private final ObjectMapper mapper;
    private final Clock clock;

    public HistoryService(HistoryStore store, CallService calls, AccountCopies copies, ObjectMapper mapper,
            Clock clock) {
        this.store = store;
        this.calls = calls;
        this.copies = copies;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The account whose history is read: mine, or (admins only) the one named. */
    public UUID owner(Actor actor, UUID accountId) {
        if (accountId == null || accountId.equals(actor.id())) {
            return actor.id();
        }
        if (!actor.admin()) {
            throw ProblemException.forbidden("Only admins may read another account's call history");
        }
        return accountId;
    }

    public Uni<HistoryPage> list(HistoryFilter filter, String cursor, int limit) {
        HistoryCursor after = HistoryCursor.decode(cursor);
        return store.page(filter, after == null ? null : after.startedAt(), after == null ? null : after.callId(),
                limit + 1).chain(rows -> {
                    List<HistoryEntryRow> page = rows.size() > limit ? rows.subList(0, limit) : rows;
                    String next = rows.size() > limit
                            ? new HistoryCursor(page.get(limit - 1).startedAt(), page.get(limit - 1).callId()).encode()
                            : null;
                    return named(page).map(items -> new HistoryPage(items, next));
                });
    }

    public Uni<HistoryEntry> one(UUID owner, UUID callId) {
        return store.one(owner, callId).chain(row -> {
            if (row == null) {
                return Uni.createFrom().failure(ProblemException.notFound("Call history entry"));
            }
            return named(List.of(row)).map(items -> items.get(0));
        });
    }

    public Uni<MissedCalls> missed(UUID owner) {
        return store.missedSinceSeen(store.pool(), owner)
                .chain(count -> store.seenAt(owner).map(seen -> new MissedCalls(count, seen)));
    }

    public Uni<MissedCalls> markSeen(UUID owner, OffsetDateTime upTo) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (upTo != null && upTo.isAfter(now)) {
            throw ProblemException.badRequest("upTo", "must not be in the future");
        }
        return store.markSeen(owner, upTo == null ? now : upTo).chain(() -> missed(owner));
    }

    /** The call's routing attempts, for its parties and admins; anyone else gets 404 as for the call. */
    public Uni<List<RoutingAttempt>> attempts(Actor actor, UUID callId) {
        return calls.get(actor, callId).chain(visible -> store.attempts(callId));
    }

    private Uni<List<HistoryEntry>> named(List<HistoryEntryRow> rows) {
        Set<UUID> peers = new HashSet<>();
        rows.forEach(r -> {
            if (r.peerAccountId() != null) {
                peers.add(r.peerAccountId());
            }
        });
        return copies.displayNamesOf(peers).map(names -> rows.stream().map(r -> entry(r, names)).toList());
    }

    private HistoryEntry entry(HistoryEntryRow r, Map<UUID, String> names) {
        return new HistoryEntry(r.callId(), r.direction(), r.internal(), r.role(), r.outcome(),
                new HistoryEntry.Peer(r.peerAccountId(), r.peerAccountId() == null ? null : names.get(r.peerAccountId()),
                        r.peerNumber(), r.peerQueueId()),
                r.queueId(), r.startedAt(), r.answeredAt(), r.endedAt(), r.durationSeconds(), r.endCause(),
                recordings(r.recordingsJson()));
    }

    private JsonNode recordings(String json) {
        try {
            return mapper.readTree(json == null ? "[]" : json);
        } catch (Exception e) {
            return mapper.createArrayNode();
        }
    }
}
