package io.ucp.signaling.history;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A stored call_history row, before names are added for the API. */
record HistoryEntryRow(UUID callId, String direction, boolean internal, String role, String outcome,
        UUID peerAccountId, String peerNumber, UUID peerQueueId, UUID queueId, OffsetDateTime startedAt,
        OffsetDateTime answeredAt, OffsetDateTime endedAt, long durationSeconds, String endCause,
        String recordingsJson) {

    static final String COLUMNS = "call_id, direction, internal, role, outcome, peer_account_id, peer_number, "
            + "peer_queue_id, queue_id, started_at, answered_at, ended_at, duration_seconds, end_cause, "
            + "recordings::text AS recordings";

    static HistoryEntryRow from(Row row) {
        return new HistoryEntryRow(row.getUUID("call_id"), row.getString("direction"), row.getBoolean("internal"),
                row.getString("role"), row.getString("outcome"), row.getUUID("peer_account_id"),
                row.getString("peer_number"), row.getUUID("peer_queue_id"), row.getUUID("queue_id"),
                row.getOffsetDateTime("started_at"), row.getOffsetDateTime("answered_at"),
                row.getOffsetDateTime("ended_at"), row.getLong("duration_seconds"), row.getString("end_cause"),
                row.getString("recordings"));
    }
}
