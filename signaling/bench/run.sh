#!/usr/bin/env bash
# Call-lifecycle benchmark: the service end to end (HTTP + device channel + PostgreSQL + Redis + outbox relay),
# then pgbench running the same SQL statements on the same machine, and their ratio. Bounded by CALLS.
# Needs the local infrastructure (PostgreSQL, Redis, Kafka, S3) up; uses the test database and test topics.
set -euo pipefail
CALLS=${CALLS:-3000}
CONCURRENCY=${CONCURRENCY:-16}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
log=$(mktemp)
(cd "$root" && mvn -B -ntp -q -pl signaling verify -Dtest=CallBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs \
    -Ducp.bench=true -Dbench.calls="$CALLS" -Dbench.concurrency="$CONCURRENCY" >"$log" 2>&1) || { tail -50 "$log"; exit 1; }
service=$(grep -ho 'BENCH [^<&]*' "$log" "$root"/signaling/target/surefire-reports/TEST-io.ucp.signaling.bench.CallBenchmark.xml \
    2>/dev/null | head -1 || true)
echo "service: $service"
# The benchmark's test boot left the schema in the test database; pgbench drives the same statements there.
pg=$(PGPASSWORD=${UCP_DB_PASSWORD:-ucp_calls} pgbench -h 127.0.0.1 -U ${UCP_DB_USER:-ucp_calls} -n -M prepared \
    -c "$CONCURRENCY" -j 2 -t $(( CALLS / CONCURRENCY )) -r -f "$here/lifecycle.sql" ucp_calls_test 2>&1)
pg_tps=$(echo "$pg" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
echo "pgbench: lifecycles_per_s=$pg_tps (same SQL, $CONCURRENCY clients)"
svc_rate=$(echo "$service" | sed -n 's/.*lifecycles_per_s=\([0-9.]*\).*/\1/p')
awk -v s="$svc_rate" -v p="$pg_tps" 'BEGIN { printf "ratio service/pgbench = %.2f\n", s / p }'
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
