package io.ucp.signaling.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.call.Idempotency;
import java.io.IOException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** SQL of queues and memberships; a member's state change and its agent.state-changed event are one statement. */
@ApplicationScoped
public class QueueStore {

    static final String QUEUE_COLUMNS = "q.id, q.name, q.strategy, q.max_wait_seconds, q.max_size, q.wrap_up_seconds, "
            + "q.offer_timeout_seconds, q.max_missed_offers, q.service_level_seconds, q.overflow_target::text AS "
            + "overflow_target, q.created_at, q.updated_at";
    static final String MEMBER_COLUMNS = "m.queue_id, m.account_id, m.tier, m.priority, m.state, m.state_changed_at, "
            + "m.paused_reason, m.current_call_id, m.last_offered_at, m.last_call_ended_at, m.calls_answered, "
            + "m.missed_offers, m.wrap_up_until, m.version";

    /**
     * Writes every mutable field of a member, guarded by its version, plus its event when the state changed. A
     * membership lives for years and its agent acts several times a day, so an Idempotency-Key replay entry
     * ({@code at} = epoch seconds) is kept {@value #REPLAY_WINDOW_SECONDS} s: adding one drops those older.
     */
    private static final String MEMBER_WRITE = "WITH m AS (UPDATE queue_members SET tier = $3, priority = $4, "
            + "state = $5, state_changed_at = $6, paused_reason = $7, current_call_id = $8, last_offered_at = $9, "
            + "last_call_ended_at = $10, calls_answered = $11, missed_offers = $12, wrap_up_until = $13, "
            + "version = version + 1, action_keys = CASE WHEN $15::text IS NULL THEN action_keys "
            + "ELSE (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) "
            + "FROM jsonb_each(queue_members.action_keys) AS e "
            + "WHERE (e.value ->> 'at')::bigint > extract(epoch FROM now())::bigint - " + QueueStore.REPLAY_WINDOW_SECONDS
            + ") || jsonb_build_object($15::text, $16::text::jsonb) END "
            + "WHERE queue_id = $1 AND account_id = $2 AND version = $14 RETURNING 1), "
            + "o AS (INSERT INTO outbox_events (event_id, topic, event_key, event_type, subject, payload) "
            + "SELECT $17::uuid, $18, $19, 'agent.state-changed', $20, $21::text::jsonb "
            + "WHERE $17::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM m)) SELECT count(*) AS won FROM m";

    /** How long an agent action's Idempotency-Key replays (24 h, as clients retry within minutes). */
    static final long REPLAY_WINDOW_SECONDS = 86_400;

    private final ObjectMapper mapper;
    private final String topic;

    public QueueStore(ObjectMapper mapper, @ConfigProperty(name = "ucp.topics.call-events") String topic) {
        this.mapper = mapper;
        this.topic = topic;
    }

    public Uni<Queue> queue(SqlClient client, UUID id, boolean lock) {
        return client.preparedQuery("SELECT " + QUEUE_COLUMNS + " FROM call_queues q WHERE q.id = $1"
                + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : readQueue(rows.iterator().next()));
    }

    public Uni<Member> member(SqlClient client, UUID queueId, UUID account, boolean lock) {
        return client.preparedQuery("SELECT " + MEMBER_COLUMNS + " FROM queue_members m WHERE m.queue_id = $1 "
                + "AND m.account_id = $2" + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(queueId, account))
                .map(rows -> rows.size() == 0 ? null : readMember(rows.iterator().next()));
    }

    /** The agent's memberships (all queues, or one), locked for a state change when asked. */
    public Uni<List<Member>> membersOf(SqlClient client, UUID account, UUID queueOrNull, boolean lock) {
        return client.preparedQuery("SELECT " + MEMBER_COLUMNS + " FROM queue_members m WHERE m.account_id = $1 "
                + "AND ($2::uuid IS NULL OR m.queue_id = $2) ORDER BY m.queue_id" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(account, queueOrNull)).map(this::members);
    }

    List<Member> members(Iterable<Row> rows) {
        List<Member> list = new ArrayList<>();
        rows.forEach(r -> list.add(readMember(r)));
        return list;
    }

    /**
     * Writes {@code after} over {@code before} (version-guarded); an agent.state-changed event (key = the agent's
     * account id) goes out in the same statement when the state changed. False when the member changed meanwhile.
     */
    public Uni<Boolean> writeMember(SqlClient client, Member before, Member after, String reason, String replayKey,
            String replayJson) {
        boolean changed = !before.state().equals(after.state());
        Map<String, Object> payload = new LinkedHashMap<>();
        if (changed) {
            Map<String, Object> agent = new LinkedHashMap<>();
            agent.put("accountId", after.accountId());
            agent.put("queueId", after.queueId());
            agent.put("state", after.state());
            agent.put("previousState", before.state());
            agent.put("reason", reason);
            agent.put("stateChangedAt", after.stateChangedAt());
            agent.put("wrapUpUntil", after.wrapUpUntil());
            agent.put("missedOffers", after.missedOffers());
            agent.put("version", before.version() + 1);
            payload.put("agent", agent);
        }
        Tuple t = Tuple.from(Arrays.asList(after.queueId(), after.accountId(), after.tier(), after.priority(),
                after.state(), after.stateChangedAt(), after.pausedReason(), after.currentCallId(),
                after.lastOfferedAt(), after.lastCallEndedAt(), after.callsAnswered(), after.missedOffers(),
                after.wrapUpUntil(), before.version(), replayKey, replayJson, changed ? UUID.randomUUID() : null,
                topic, after.accountId().toString(), "agents/" + after.accountId(), changed ? json(payload) : null));
        return client.preparedQuery(MEMBER_WRITE).execute(t)
                .map(rows -> rows.iterator().next().getLong("won") == 1);
    }

    /** The member as it is after {@link #writeMember} (version + 1). */
    static Member written(Member after) {
        return new Member(after.queueId(), after.accountId(), after.tier(), after.priority(), after.state(),
                after.stateChangedAt(), after.pausedReason(), after.currentCallId(), after.lastOfferedAt(),
                after.lastCallEndedAt(), after.callsAnswered(), after.missedOffers(), after.wrapUpUntil(),
                after.version() + 1);
    }

    /**
     * The first response stored for an Idempotency-Key ({@code replayKey} null: no key, nothing stored):
     * {@code sql} selects it with the {@code scope} values as $1.. and the key as the last parameter.
     */
    public Uni<String> storedResponse(SqlClient client, String sql, String replayKey, Object... scope) {
        if (replayKey == null) {
            return Uni.createFrom().nullItem();
        }
        List<Object> args = new ArrayList<>(Arrays.asList(scope));
        args.add(replayKey);
        return client.preparedQuery(sql).execute(Tuple.from(args))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    /** The stored response of a replayed request; the same key with another request is a 422. */
    <T> T replayed(String stored, Idempotency idem, TypeReference<T> type) {
        try {
            JsonNode entry = mapper.readTree(stored);
            if (!idem.hash().equals(entry.path("h").asText())) {
                throw CallService.unprocessable(Idempotency.HEADER, "was already used for a different request");
            }
            return mapper.readValue(mapper.treeAsTokens(entry.path("r")), type);
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable stored response", e);
        }
    }

    Queue readQueue(Row row) {
        OverflowTarget overflow = null;
        String json = row.getString("overflow_target");
        if (json != null) {
            try {
                overflow = mapper.readValue(json, OverflowTarget.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Unreadable overflow target of queue " + row.getUUID("id"), e);
            }
        }
        return new Queue(row.getUUID("id"), row.getString("name"), row.getString("strategy"),
                row.getInteger("max_wait_seconds"), row.getInteger("max_size"), row.getInteger("wrap_up_seconds"),
                row.getInteger("offer_timeout_seconds"), row.getInteger("max_missed_offers"),
                row.getInteger("service_level_seconds"), overflow, row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }

    Member readMember(Row row) {
        return new Member(row.getUUID("queue_id"), row.getUUID("account_id"), row.getInteger("tier"),
                row.getInteger("priority"), row.getString("state"), row.getOffsetDateTime("state_changed_at"),
                row.getString("paused_reason"), row.getUUID("current_call_id"),
                row.getOffsetDateTime("last_offered_at"),
                row.getOffsetDateTime("last_call_ended_at"), row.getLong("calls_answered"),
                row.getInteger("missed_offers"), row.getOffsetDateTime("wrap_up_until"), row.getLong("version"));
    }

    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not serialisable: " + value.getClass(), e);
        }
    }
}
