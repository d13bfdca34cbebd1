package io.ucp.signaling.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.routing.Attempt;
import io.ucp.signaling.routing.Step;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Raw SQL for the call hot path. Every write is ONE statement (data-modifying CTEs: call row guarded by its
 * version, legs, routing attempt, outbox rows), so it is atomic without BEGIN/COMMIT round trips and a write that
 * lost the version race changes nothing.
 */
@ApplicationScoped
public class CallStore {

    static final String COLUMNS = "c.id, c.direction, c.state, c.end_cause, c.caller_account_id, c.caller_device_id, "
            + "c.caller_number, c.callee_kind, c.callee_account_id, c.callee_number, c.queue_id, c.created_at, "
            + "c.ringing_at, c.answered_at, c.ended_at, c.timer_kind, c.timer_at, c.recordings::text AS recordings, "
            + "c.version, c.transfer::text AS transfer, c.last_queue_id, (SELECT json_agg(json_build_object('id', l.id, 'role', l.role, 'state', l.state, "
            + "'endCause', l.end_cause, 'accountId', l.account_id, 'deviceId', l.device_id, 'number', l.number, "
            + "'muted', l.muted, 'createdAt', l.created_at, 'ringingAt', l.ringing_at, 'answeredAt', l.answered_at, "
            + "'endedAt', l.ended_at) ORDER BY l.created_at, l.role <> 'caller', l.id)::text "
            + "FROM call_legs l WHERE l.call_id = c.id) AS legs";

    private static final String LOAD = "SELECT " + COLUMNS + ", (c.action_keys -> $2::text)::text AS replay "
            + "FROM call_sessions c WHERE c.id = $1";

    private static final String REPLAY_ORIGINATE = "SELECT (action_keys -> $3::text)::text AS replay "
            + "FROM call_sessions WHERE idempotency_key = $2 AND (caller_account_id = $1 OR ($1::uuid IS NULL "
            + "AND caller_account_id IS NULL AND trunk_device_id = $4::uuid))";

    private static final String BUSY = "SELECT EXISTS (SELECT 1 FROM call_legs WHERE account_id = $1 "
            + "AND state IN ('active', 'held')) AS busy";

    private static final String OUTBOX_CTE = "o AS (INSERT INTO outbox_events "
            + "(event_id, topic, event_key, event_type, subject, payload) "
            + "SELECT x.event_id, x.topic, x.event_key, x.event_type, x.subject, x.payload "
            + "FROM jsonb_to_recordset($%d::text::jsonb) AS x(event_id uuid, topic text, event_key text, "
            + "event_type text, subject text, payload jsonb) WHERE EXISTS (SELECT 1 FROM c))";

    // Queue visits and agent offers name their queue in the target: it becomes call_routing.queue_id (statistics).
    private static final String ROUTING_COLUMNS = "(id, call_id, attempt_no, rule_id, step, target_type, target, "
            + "started_at, ended_at, outcome, reason, queue_id) SELECT x.id, $1, x.attempt_no + coalesce((SELECT max(attempt_no) "
            + "FROM call_routing WHERE call_id = $1), 0), x.rule_id, x.step, x.target_type, "
            + "x.target, x.started_at, x.ended_at, x.outcome, x.reason, (x.target ->> 'queueId')::uuid FROM jsonb_to_recordset($%d::text::jsonb) AS "
            + "x(id uuid, attempt_no int, rule_id uuid, step int, target_type text, target jsonb, started_at timestamptz, "
            + "ended_at timestamptz, outcome text, reason text) WHERE EXISTS (SELECT 1 FROM c)";

    private static final String LEG_COLUMNS = "(id, call_id, routing_id, role, state, end_cause, account_id, device_id, "
            + "number, created_at, ringing_at, answered_at, ended_at) SELECT x.id, $1, x.routing_id, x.role, x.state, "
            + "x.end_cause, x.account_id, x.device_id, x.number, x.created_at, x.ringing_at, x.answered_at, x.ended_at "
            + "FROM jsonb_to_recordset($%d::text::jsonb) AS x(id uuid, routing_id uuid, role text, state text, "
            + "end_cause text, account_id uuid, device_id uuid, number text, created_at timestamptz, "
            + "ringing_at timestamptz, answered_at timestamptz, ended_at timestamptz) WHERE EXISTS (SELECT 1 FROM c)";

    private static final String WRITE = "WITH c AS (UPDATE call_sessions SET state = $3, end_cause = $4::text, "
            + "ringing_at = $5::timestamptz, answered_at = $6::timestamptz, ended_at = $7::timestamptz, "
            + "timer_kind = $8::text, timer_at = $9::timestamptz, version = $10, updated_at = $11, "
            + "transfer = $20::text::jsonb, recordings = $21::text::jsonb, callee_kind = $22, callee_number = $23::text, "
            + "trunk_device_id = coalesce($24::uuid, trunk_device_id), "
            + "action_keys = CASE WHEN $12::text IS NULL THEN action_keys "
            + "ELSE action_keys || jsonb_build_object($12::text, $13::text::jsonb) END "
            + "WHERE id = $1 AND version = $2 RETURNING id), "
            + "l AS (UPDATE call_legs AS l SET state = x.state, end_cause = x.end_cause, answered_at = x.answered_at, "
            + "ended_at = x.ended_at, muted = x.muted FROM jsonb_to_recordset($14::text::jsonb) AS x(id uuid, "
            + "state text, end_cause text, answered_at timestamptz, ended_at timestamptz, muted boolean) "
            + "WHERE l.id = x.id AND l.call_id = $1 AND EXISTS (SELECT 1 FROM c)), "
            + "r AS (UPDATE call_routing SET outcome = $15::text, reason = coalesce($16::text, reason), ended_at = $11 "
            + "WHERE call_id = $1 AND outcome IS NULL AND $15::text IS NOT NULL AND EXISTS (SELECT 1 FROM c)), "
            + "nr AS (INSERT INTO call_routing " + ROUTING_COLUMNS.formatted(17) + "), "
            + "nl AS (INSERT INTO call_legs " + LEG_COLUMNS.formatted(18) + "), "
            + OUTBOX_CTE.formatted(19) + " SELECT count(*) AS won FROM c";

    private static final String ORIGINATE = "WITH c AS (INSERT INTO call_sessions (id, direction, state, end_cause, "
            + "caller_account_id, caller_device_id, callee_kind, callee_account_id, timer_kind, timer_at, "
            + "idempotency_key, action_keys, created_at, ringing_at, ended_at, updated_at, version, caller_number, "
            + "callee_number, trunk_device_id) "
            + "VALUES ($1, $2, $3, $4::text, $5::uuid, $6, $7, $8::uuid, $9::text, $10::timestamptz, $11::text, "
            + "coalesce($12::text::jsonb, '{}'::jsonb), $13, $14::timestamptz, $15::timestamptz, $13, $16, $20::text, "
            + "$21::text, $22::uuid) "
            // No conflict target: the caller's key index and the trunk's key index (inbound calls) both apply.
            + "ON CONFLICT DO NOTHING RETURNING id), "
            + "r AS (INSERT INTO call_routing " + ROUTING_COLUMNS.formatted(17) + "), "
            + "l AS (INSERT INTO call_legs " + LEG_COLUMNS.formatted(18) + "), "
            + OUTBOX_CTE.formatted(19) + " SELECT count(*) AS won FROM c";

    private final ObjectMapper mapper;

    public CallStore(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A call with the stored response of {@code replayKey} (null when the key was not used on it). */
    public record Loaded(Call call, String replay) {
    }

    public Uni<Loaded> load(SqlClient client, UUID callId, String replayKey) {
        return client.preparedQuery(LOAD).execute(Tuple.of(callId, replayKey)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new Loaded(read(row), row.getString("replay"));
        });
    }

    /** The latest routing attempt of a call and the plan steps still to come after it. */
    public record LastAttempt(int attemptNo, List<Step> remaining) {
    }

    public Uni<LastAttempt> lastAttempt(SqlClient client, UUID callId) {
        return client.preparedQuery("SELECT attempt_no, target -> 'remaining' AS remaining FROM call_routing "
                + "WHERE call_id = $1 ORDER BY attempt_no DESC LIMIT 1").execute(Tuple.of(callId)).map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    Object remaining = row.getValue("remaining");
                    List<Step> steps = List.of();
                    if (remaining != null) {
                        try {
                            steps = mapper.readValue(remaining.toString(), new TypeReference<List<Step>>() {
                            });
                        } catch (JsonProcessingException e) {
                            steps = List.of();
                        }
                    }
                    return new LastAttempt(row.getInteger("attempt_no"), steps);
                });
    }

    /** A live leg of an answered call held by a device (the device-lost sweeper checks each is still connected). */
    public record DeviceLeg(UUID callId, UUID accountId, UUID deviceId) {
    }

    private static final String ANSWERED_DEVICE_LEGS = "SELECT l.call_id, l.account_id, l.device_id FROM call_legs l "
            + "JOIN call_sessions s ON s.id = l.call_id WHERE l.state IN ('active', 'held') "
            + "AND s.state IN ('active', 'held') AND l.device_id IS NOT NULL ORDER BY l.call_id LIMIT $1";

    /** Up to {@code limit} device legs of answered calls (live legs are a small, indexed subset of all legs). */
    public Uni<List<DeviceLeg>> answeredDeviceLegs(SqlClient client, int limit) {
        return client.preparedQuery(ANSWERED_DEVICE_LEGS).execute(Tuple.of(limit)).map(rows -> {
            List<DeviceLeg> legs = new ArrayList<>();
            for (Row row : rows) {
                legs.add(new DeviceLeg(row.getUUID("call_id"), row.getUUID("account_id"), row.getUUID("device_id")));
            }
            return legs;
        });
    }

    public Uni<Boolean> isBusy(SqlClient client, UUID account) {
        return client.preparedQuery(BUSY).execute(Tuple.of(account)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<String> originateReplay(SqlClient client, UUID caller, UUID trunkDevice, String idempotencyKey,
            String replayKey) {
        return client.preparedQuery(REPLAY_ORIGINATE)
                .execute(Tuple.from(Arrays.asList(caller, idempotencyKey, replayKey, trunkDevice)))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    /** Inserts a new call with its legs, its routing attempts and its events; false on a replayed key. */
    public Uni<Boolean> originate(SqlClient client, Call call, UUID trunkDevice, String idempotencyKey,
            String actionKeysJson, List<Attempt> attempts, UUID ringingAttempt, List<Object> events) {
        Tuple t = Tuple.from(Arrays.asList(call.id(), call.direction(), call.state(), call.endCause(),
                call.callerAccountId(), call.callerDeviceId(), call.calleeKind(), call.calleeAccountId(),
                call.timerKind(), call.timerAt(), idempotencyKey, actionKeysJson, call.createdAt(), call.ringingAt(),
                call.endedAt(), call.version(), json(attempts(attempts)), json(newLegs(null, call, ringingAttempt)),
                json(events), call.callerNumber(), call.calleeNumber(), trunkDevice));
        return client.preparedQuery(ORIGINATE).execute(t).map(CallStore::won);
    }

    /** Applies a transition if nobody changed the call since {@code before}; false when the version race is lost. */
    public Uni<Boolean> write(SqlClient client, Call before, Change change, OffsetDateTime now, String replayKey,
            String replayJson, List<Object> events) {
        Call after = change.after();
        List<Map<String, Object>> legs = new ArrayList<>();
        for (Leg l : after.legs()) {
            if (!before.legs().contains(l) && before.legs().stream().anyMatch(b -> b.id().equals(l.id()))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", l.id());
                m.put("state", l.state());
                m.put("end_cause", l.endCause());
                m.put("answered_at", l.answeredAt());
                m.put("ended_at", l.endedAt());
                m.put("muted", l.muted());
                legs.add(m);
            }
        }
        Tuple t = Tuple.from(Arrays.asList(before.id(), before.version(), after.state(), after.endCause(),
                after.ringingAt(), after.answeredAt(), after.endedAt(), after.timerKind(), after.timerAt(),
                after.version(), now, replayKey, replayJson, json(legs), change.routingOutcome(),
                change.routingReason(), json(attempts(change.attempts())),
                json(newLegs(before, after, change.ringingAttempt())), json(events),
                after.transfer() == null ? null : json(after.transfer()),
                after.recordingsJson() == null ? "[]" : after.recordingsJson(), after.calleeKind(),
                after.calleeNumber(), forwardTrunk(before, after)));
        return client.preparedQuery(WRITE).execute(t).map(CallStore::won);
    }

    /** The trunk a change forwarded the call out through (the new ringing leg to a number), else null. */
    private static UUID forwardTrunk(Call before, Call after) {
        if ("number".equals(before.calleeKind()) || !"number".equals(after.calleeKind())) {
            return null;
        }
        return after.legs().stream().filter(l -> !l.isCaller() && l.live() && l.number() != null)
                .map(Leg::deviceId).findFirst().orElse(null);
    }

    private static List<Map<String, Object>> attempts(List<Attempt> attempts) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Attempt a : attempts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", a.id());
            m.put("attempt_no", a.attemptNo());
            m.put("rule_id", a.ruleId());
            m.put("step", a.step());
            m.put("target_type", a.targetType());
            m.put("target", a.target());
            m.put("started_at", a.startedAt());
            m.put("ended_at", a.endedAt());
            m.put("outcome", a.outcome());
            m.put("reason", a.reason());
            rows.add(m);
        }
        return rows;
    }

    /** Legs of {@code after} that {@code before} does not have; callee-side ones belong to the ringing attempt. */
    private static List<Map<String, Object>> newLegs(Call before, Call after, UUID ringingAttempt) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Leg l : after.legs()) {
            if (before != null && before.legs().stream().anyMatch(b -> b.id().equals(l.id()))) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("routing_id", l.isCaller() ? null : ringingAttempt);
            m.put("role", l.role());
            m.put("state", l.state());
            m.put("end_cause", l.endCause());
            m.put("account_id", l.accountId());
            m.put("device_id", l.deviceId());
            m.put("number", l.number());
            m.put("created_at", l.createdAt());
            m.put("ringing_at", l.ringingAt());
            m.put("answered_at", l.answeredAt());
            m.put("ended_at", l.endedAt());
            rows.add(m);
        }
        return rows;
    }

    Call read(Row row) {
        List<Leg> legs;
        try {
            String legsJson = row.getString("legs");
            legs = legsJson == null ? List.of() : mapper.readValue(legsJson, new TypeReference<List<Leg>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable legs of call " + row.getUUID("id"), e);
        }
        return new Call(row.getUUID("id"), row.getString("direction"), row.getString("state"),
                row.getString("end_cause"), row.getUUID("caller_account_id"), row.getUUID("caller_device_id"),
                row.getString("caller_number"), row.getString("callee_kind"), row.getUUID("callee_account_id"),
                row.getString("callee_number"), row.getUUID("queue_id"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("ringing_at"), row.getOffsetDateTime("answered_at"),
                row.getOffsetDateTime("ended_at"), row.getString("timer_kind"), row.getOffsetDateTime("timer_at"),
                row.getString("recordings"), row.getLong("version"), legs, transfer(row.getString("transfer")),
                row.getUUID("last_queue_id"));
    }

    private Transfer transfer(String json) {
        try {
            return json == null ? null : mapper.readValue(json, Transfer.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable transfer", e);
        }
    }

    private static boolean won(RowSet<Row> rows) {
        return rows.iterator().next().getLong("won") == 1;
    }

    public String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not serialisable: " + value.getClass(), e);
        }
    }
}
