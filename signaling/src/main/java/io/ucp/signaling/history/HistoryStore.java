package io.ucp.signaling.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.history.HistoryProjection.PartyEntry;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** All SQL of call history, missed-call marks, routing attempts and retention. */
@ApplicationScoped
public class HistoryStore {

    private static final int ENTRY_PARAMS = 16;
    private static final String INSERT_HEAD = "INSERT INTO call_history (account_id, call_id, direction, internal, "
            + "role, outcome, peer_account_id, peer_number, peer_queue_id, queue_id, started_at, answered_at, ended_at, "
            + "duration_seconds, end_cause, recordings) VALUES ";
    // A call's parties are few (caller, callee, the devices' and agents' accounts): one statement writes them all.
    private static final String INSERT_TAIL = " ON CONFLICT (account_id, call_id) DO NOTHING RETURNING account_id, outcome";

    private static final String PAGE = "SELECT " + HistoryEntryRow.COLUMNS + " FROM call_history "
            + "WHERE account_id = $1 AND ($2::text IS NULL OR direction = $2) "
            + "AND ($3::boolean IS NULL OR internal = $3) AND ($4::text IS NULL OR outcome = $4) "
            + "AND ($5::uuid IS NULL OR peer_account_id = $5) AND ($6::text IS NULL OR peer_number = $6) "
            + "AND ($7::timestamptz IS NULL OR started_at >= $7) AND ($8::timestamptz IS NULL OR started_at < $8) "
            + "AND ($9::timestamptz IS NULL OR (started_at, call_id) < ($9, $10)) "
            + "ORDER BY started_at DESC, call_id DESC LIMIT $11";
    private static final String ONE = "SELECT " + HistoryEntryRow.COLUMNS + " FROM call_history "
            + "WHERE account_id = $1 AND call_id = $2";
    private static final String MISSED_SINCE_SEEN = "SELECT count(*) FROM call_history h WHERE h.account_id = $1 "
            + "AND h.outcome = 'missed' AND h.ended_at > COALESCE((SELECT m.missed_seen_at FROM call_history_marks m "
            + "WHERE m.account_id = $1), '-infinity'::timestamptz)";
    private static final String SEEN_AT = "SELECT missed_seen_at FROM call_history_marks WHERE account_id = $1";
    // Marks never move back: a late "seen up to" from another tab cannot resurrect calls already marked seen.
    private static final String MARK_SEEN = "INSERT INTO call_history_marks AS m (account_id, missed_seen_at) "
            + "VALUES ($1, $2) ON CONFLICT (account_id) DO UPDATE SET missed_seen_at = "
            + "GREATEST(m.missed_seen_at, EXCLUDED.missed_seen_at), updated_at = now() RETURNING missed_seen_at";
    private static final String ATTEMPTS = "SELECT attempt_no, rule_id, step, target_type, target::text AS target, "
            + "queue_id, started_at, ended_at, outcome, reason FROM call_routing WHERE call_id = $1 ORDER BY attempt_no";
    private static final String PRUNE = "DELETE FROM call_sessions WHERE id IN (SELECT id FROM call_sessions "
            + "WHERE state = 'ended' AND ended_at < $1 ORDER BY ended_at LIMIT $2)";

    /** What one write inserted: the accounts whose entry is new, with its outcome. */
    public record Inserted(UUID accountId, String outcome) {
    }

    private final Pool pool;
    private final ObjectMapper mapper;

    public HistoryStore(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    public Pool pool() {
        return pool;
    }

    /** Inserts the entries not there yet (inside the consumer's transaction); emits the ones it inserted. */
    public Uni<List<Inserted>> insert(SqlClient tx, List<PartyEntry> entries, String recordingsJson) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        StringBuilder sql = new StringBuilder(INSERT_HEAD);
        List<Object> args = new ArrayList<>(entries.size() * ENTRY_PARAMS);
        for (int i = 0; i < entries.size(); i++) {
            int b = i * ENTRY_PARAMS;
            sql.append(i == 0 ? "" : ", ").append('(');
            for (int p = 1; p <= ENTRY_PARAMS; p++) {
                sql.append(p == 1 ? "" : ", ").append('$').append(b + p);
                if (p == ENTRY_PARAMS) {
                    sql.append("::text::jsonb");
                }
            }
            sql.append(')');
            PartyEntry e = entries.get(i);
            args.addAll(Arrays.asList(e.accountId(), e.callId(), e.direction().wire, e.internal(), e.role(),
                    e.outcome().wire, e.peerAccountId(), e.peerNumber(), e.peerQueueId(), e.queueId(), e.startedAt(),
                    e.answeredAt(), e.endedAt(), e.durationSeconds(), e.endCause(), recordingsJson));
        }
        sql.append(INSERT_TAIL);
        return tx.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<Inserted> inserted = new ArrayList<>();
            for (Row row : rows) {
                inserted.add(new Inserted(row.getUUID("account_id"), row.getString("outcome")));
            }
            return inserted;
        });
    }

    public Uni<Long> missedSinceSeen(SqlClient client, UUID account) {
        return client.preparedQuery(MISSED_SINCE_SEEN).execute(Tuple.of(account))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<OffsetDateTime> seenAt(UUID account) {
        return pool.preparedQuery(SEEN_AT).execute(Tuple.of(account))
                .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getOffsetDateTime(0));
    }

    public Uni<OffsetDateTime> markSeen(UUID account, OffsetDateTime upTo) {
        return pool.preparedQuery(MARK_SEEN).execute(Tuple.of(account, upTo))
                .map(rows -> rows.iterator().next().getOffsetDateTime(0));
    }

    /** One page newest first, after the position (startedAt, callId) of the previous page's last entry. */
    public Uni<List<HistoryEntryRow>> page(HistoryFilter f, OffsetDateTime afterStarted, UUID afterCall, int limit) {
        Tuple args = Tuple.from(Arrays.asList(f.accountId(), f.direction(), f.internal(), f.outcome(),
                f.peerAccountId(), f.peerNumber(), f.from(), f.to(), afterStarted, afterCall, limit));
        return pool.preparedQuery(PAGE).execute(args).map(rows -> {
            List<HistoryEntryRow> page = new ArrayList<>();
            for (Row row : rows) {
                page.add(HistoryEntryRow.from(row));
            }
            return page;
        });
    }

    public Uni<HistoryEntryRow> one(UUID account, UUID callId) {
        return pool.preparedQuery(ONE).execute(Tuple.of(account, callId))
                .map(rows -> rows.rowCount() == 0 ? null : HistoryEntryRow.from(rows.iterator().next()));
    }

    public Uni<List<RoutingAttempt>> attempts(UUID callId) {
        return pool.preparedQuery(ATTEMPTS).execute(Tuple.of(callId)).map(rows -> {
            List<RoutingAttempt> list = new ArrayList<>();
            for (Row row : rows) {
                list.add(new RoutingAttempt(row.getInteger("attempt_no"), row.getUUID("rule_id"),
                        row.getInteger("step"), row.getString("target_type"), json(row.getString("target")),
                        row.getUUID("queue_id"), row.getOffsetDateTime("started_at"),
                        row.getOffsetDateTime("ended_at"), row.getString("outcome"), row.getString("reason")));
            }
            return list;
        });
    }

    private JsonNode json(String text) {
        try {
            return text == null ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("call_routing.target is not JSON", e);
        }
    }

    /** Deletes up to {@code batch} ended calls older than {@code cutoff}; emits how many went. */
    public Uni<Integer> prune(OffsetDateTime cutoff, int batch) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of(cutoff, batch)).map(rows -> rows.rowCount());
    }
}
