#!/usr/bin/env bash
# SIP call-setup benchmark: sipp UAC → UCP's SIP edge → sipp UAS (both registered phones; digest, call model,
# rtpengine, events), then sipp UAC → sipp UAS directly at the same rate, and their ratio (SipCallBenchmark).
# Bounded by CALLS at RATE calls/s. Needs the local infrastructure up (PostgreSQL, Redis, Kafka, S3, rtpengine) and
# sipp; uses the test database, topics and SIP port.
set -euo pipefail
CALLS=${CALLS:-1000}
RATE=${RATE:-100}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
log=$(mktemp)
(cd "$root" && mvn -B -ntp -q -pl signaling verify -Dtest=SipCallBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -DskipITs -Ducp.bench=true -Dbench.calls="$CALLS" -Dbench.rate="$RATE" >"$log" 2>&1) || { tail -50 "$log"; exit 1; }
grep -ho 'BENCH sip[^<&]*' "$log" "$root"/signaling/target/surefire-reports/*SipCallBenchmark*.xml 2>/dev/null | head -1
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
