#!/usr/bin/env bash
# Identity benchmark: logins/s, refreshes/s and authenticated GET /v1/profiles/me req/s with p50/p99, against an
# identity already running on 127.0.0.1. Bounded: <seconds> per phase (max 120), <concurrency> clients (max 128).
# Usage: identity/bench/run.sh [base-url=http://127.0.0.1:8081] [seconds=15] [concurrency=16]
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${1:-http://127.0.0.1:8081}
SECONDS_PER_PHASE=${2:-15}
CONCURRENCY=${3:-16}
mvn -B -ntp -q -pl identity test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="identity/target/test-classes:identity/target/classes:$(cat identity/target/bench.classpath)"
exec java -Xmx512m -cp "$CP" io.ucp.identity.bench.IdentityBenchmark "$BASE" "$SECONDS_PER_PHASE" "$CONCURRENCY"
