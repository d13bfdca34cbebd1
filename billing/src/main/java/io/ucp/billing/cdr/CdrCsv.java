package io.ucp.billing.cdr;

import java.math.BigDecimal;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** RFC 4180 CSV lines for the export (text fields always quoted, quotes doubled). */
public final class CdrCsv {

    public static final String HEADER = "cdr_id,call_id,account_id,direction,caller_number,callee_number,started_at,"
            + "answered_at,ended_at,duration_seconds,billable_seconds,free_seconds,disposition,end_cause,cost,currency,"
            + "plan_code,plan_version,rate_prefix,rate_per_minute,rating_version\r\n";

    private CdrCsv() {
    }

    public static String line(CdrResponse c) {
        return Stream.of(c.id(), c.callId(), c.accountId(), text(c.direction()), text(c.callerNumber()),
                text(c.calleeNumber()), c.startedAt(), c.answeredAt(), c.endedAt(), c.durationSeconds(),
                c.billableSeconds(), c.freeSeconds(), text(c.disposition()), text(c.endCause()), money(c.cost()),
                text(c.currency()), text(c.planCode()), c.planVersion(), text(c.ratePrefix()),
                money(c.ratePerMinute()), c.ratingVersion())
                .map(v -> v == null ? "" : v.toString()).collect(Collectors.joining(",", "", "\r\n"));
    }

    private static String money(BigDecimal amount) {
        return amount == null ? null : amount.toPlainString();
    }

    private static String text(String value) {
        return value == null ? null : '"' + value.replace("\"", "\"\"") + '"';
    }
}
