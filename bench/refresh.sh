#!/usr/bin/env bash
# ./dolly bench refresh — a masked live-source refresh against pg_dump/pg_restore, on one ~1 GB source.
#
# Starts a source PostgreSQL 15 on the host (target/pg/, free port), loads ~1 GB of customers and
# orders, and runs, interleaved, REFRESH_BENCH_RUNS times (default 3):
#   masked_refresh              a refresh job through the agent's job runner and build path
#                               (dataset, initdb, build server, pre-data, five masked columns across two
#                               tables, post-data, ANALYZE, clean shutdown, snapshot, promote)
#   refresh_no_rules            the same without masking rules
#   pg_dump_restore_baseline    pg_dump -Fd -j 2, then pg_restore -j 2 into a fresh cluster on the same pool
#   pg_dump_restore_local_disk  the same into a fresh cluster on the host's disk (REFRESH_BENCH_LOCAL=false skips it)
# Targets: masked_refresh / pg_dump_restore_baseline ≤ 1.0; masked_refresh / refresh_no_rules - 1 ≤ 0.15.
# Prints a table and writes target/bench/refresh.json. Needs ./dolly setup (zfs-fuse, pool, dockerd, image).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# shellcheck source=scripts/lib/bench.sh
. "$ROOT/scripts/lib/bench.sh"
CP=$(bench_classpath "$ROOT" host-agent/agent \
  host-agent/agent/target/test-classes/dev/dolly/agent/refresh/RefreshBench.class)

mkdir -p target/bench
cd host-agent/agent
java -Dfile.encoding=UTF-8 -Xmx1g \
  -cp "$CP" \
  dev.dolly.agent.refresh.RefreshBench --out "$ROOT/target/bench/refresh.json" \
  --runs "${REFRESH_BENCH_RUNS:-3}" --customers "${REFRESH_BENCH_CUSTOMERS:-2000000}" \
  --orders "${REFRESH_BENCH_ORDERS:-3600000}" --local "${REFRESH_BENCH_LOCAL:-true}"
