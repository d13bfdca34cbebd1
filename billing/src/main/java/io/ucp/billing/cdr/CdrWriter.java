package io.ucp.billing.cdr;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writes CDRs as ONE multi-row statement per batch (arrays unnested server-side): one round trip and one plan
 * for any batch size. ON CONFLICT (call_id) DO NOTHING is the last guard against a second CDR for a call.
 */
@ApplicationScoped
public class CdrWriter {

    public static final String INSERT_SQL = "INSERT INTO cdr_records (id, call_id, account_id, caller_account_id, "
            + "callee_account_id, caller_number, callee_number, direction, started_at, answered_at, ended_at, "
            + "duration_seconds, billable_seconds, free_seconds, disposition, end_cause, transfer_info, queue_info, "
            + "recordings, cost, currency, plan_code, plan_version, rate_prefix, rate_per_minute, rated_at) "
            + "SELECT u.id, u.call_id, u.account_id, u.caller_account_id, u.callee_account_id, u.caller_number, "
            + "u.callee_number, u.direction, u.started_at, u.answered_at, u.ended_at, u.duration_seconds, "
            + "u.billable_seconds, u.free_seconds, u.disposition, u.end_cause, u.transfer_info::jsonb, "
            + "u.queue_info::jsonb, u.recordings::jsonb, u.cost::numeric, u.currency, u.plan_code, u.plan_version, "
            + "u.rate_prefix, u.rate_per_minute::numeric, u.rated_at "
            + "FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], "
            + "$8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::int[], $13::int[], "
            + "$14::int[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], "
            + "$22::text[], $23::int[], $24::text[], $25::text[], $26::timestamptz[]) "
            + "AS u(id, call_id, account_id, caller_account_id, callee_account_id, caller_number, callee_number, "
            + "direction, started_at, answered_at, ended_at, duration_seconds, billable_seconds, free_seconds, "
            + "disposition, end_cause, transfer_info, queue_info, recordings, cost, currency, plan_code, plan_version, "
            + "rate_prefix, rate_per_minute, rated_at) "
            + "ON CONFLICT (call_id) DO NOTHING RETURNING call_id";

    /** Inserts the rows; emits the call ids actually inserted (those already stored are left untouched). */
    public Uni<Set<UUID>> insert(SqlClient tx, List<RatedCdr> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return tx.preparedQuery(INSERT_SQL).execute(tuple(rows)).map(result -> {
            Set<UUID> inserted = new HashSet<>(result.rowCount() * 2);
            for (Row row : result) {
                inserted.add(row.getUUID(0));
            }
            return inserted;
        });
    }

    public static Tuple tuple(List<RatedCdr> rows) {
        int n = rows.size();
        UUID[] id = new UUID[n], callId = new UUID[n], account = new UUID[n], caller = new UUID[n], callee = new UUID[n];
        String[] callerNumber = new String[n], calleeNumber = new String[n], direction = new String[n];
        OffsetDateTime[] started = new OffsetDateTime[n], answered = new OffsetDateTime[n], ended = new OffsetDateTime[n];
        Integer[] duration = new Integer[n], billable = new Integer[n], free = new Integer[n], planVersion = new Integer[n];
        String[] disposition = new String[n], endCause = new String[n], transfer = new String[n], queue = new String[n];
        String[] recordings = new String[n], cost = new String[n], currency = new String[n], planCode = new String[n];
        String[] prefix = new String[n], rate = new String[n];
        OffsetDateTime[] ratedAt = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            RatedCdr r = rows.get(i);
            CdrDraft d = r.draft();
            id[i] = d.id();
            callId[i] = d.callId();
            account[i] = d.accountId();
            caller[i] = d.callerAccountId();
            callee[i] = d.calleeAccountId();
            callerNumber[i] = d.callerNumber();
            calleeNumber[i] = d.calleeNumber();
            direction[i] = d.direction();
            started[i] = utc(d.startedAt());
            answered[i] = utc(d.answeredAt());
            ended[i] = utc(d.endedAt());
            duration[i] = d.durationSeconds();
            billable[i] = d.billableSeconds();
            free[i] = r.freeSeconds();
            disposition[i] = d.disposition();
            endCause[i] = d.endCause();
            transfer[i] = d.transferInfo();
            queue[i] = d.queueInfo();
            recordings[i] = d.recordings();
            cost[i] = r.cost() == null ? null : r.cost().toPlainString();
            currency[i] = r.currency();
            planCode[i] = r.planCode();
            planVersion[i] = r.planVersion();
            prefix[i] = r.ratePrefix();
            rate[i] = r.ratePerMinute() == null ? null : r.ratePerMinute().toPlainString();
            ratedAt[i] = utc(r.ratedAt());
        }
        return Tuple.tuple().addValue(id).addValue(callId).addValue(account).addValue(caller).addValue(callee)
                .addValue(callerNumber).addValue(calleeNumber).addValue(direction).addValue(started).addValue(answered)
                .addValue(ended).addValue(duration).addValue(billable).addValue(free).addValue(disposition)
                .addValue(endCause).addValue(transfer).addValue(queue).addValue(recordings).addValue(cost)
                .addValue(currency).addValue(planCode).addValue(planVersion).addValue(prefix).addValue(rate)
                .addValue(ratedAt);
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
