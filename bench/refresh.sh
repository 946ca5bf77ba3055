#!/usr/bin/env bash
# ./dolly bench refresh — a masked live-source refresh against pg_dump/pg_restore, on one ~1 GB source.
#
# Starts a source PostgreSQL 15 on the host (under /tmp, free port), loads ~1 GB of customers and
# orders, and runs, interleaved, REFRESH_BENCH_RUNS times (default 3):
#   masked_refresh              a refresh job through the agent's job runner and build path
#                               (dataset, initdb, build server, pre-data, five masked columns across two
#                               tables, post-data, ANALYZE, clean shutdown, snapshot, promote)
#   refresh_no_rules            the same without masking rules
#   pg_dump_restore_baseline    pg_dump -Fd -j 2, then the schema via psql (without Debian 17's pg_attver column
#                               options, which 18 refuses) and pg_restore -j 2 of data and post-data, into a
#                               fresh cluster on the same pool
#   pg_dump_restore_local_disk  the same into a fresh cluster on the host's disk (REFRESH_BENCH_LOCAL=false skips it)
# Targets: masked_refresh / pg_dump_restore_baseline ≤ 1.0; masked_refresh / refresh_no_rules - 1 ≤ 0.15.
# Prints a table and writes target/bench/refresh.json. Needs ./dolly setup (zfs-fuse, pool, dockerd, image).
#
# --source-postgres <s> --postgres <t>: the source runs PostgreSQL s (15: host packages; else a container of
# dolly/postgres:s), the templates say postgres: t (t > s: an upgrade rehearsal), the baseline uses t's
# pg_dump/pg_restore into a t cluster (in a container of dolly/postgres:t); writes
# target/bench/refresh-pg<s>-to-pg<t>.json.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# shellcheck source=scripts/lib/bench.sh
. "$ROOT/scripts/lib/bench.sh"
CP=$(bench_classpath "$ROOT" host-agent/agent \
  host-agent/agent/target/test-classes/dev/dolly/agent/refresh/RefreshBench.class)

OUT="$ROOT/target/bench/refresh.json"
SRC_PG=""; PG=""
while [ $# -gt 0 ]; do
  case "$1" in
    --source-postgres) SRC_PG="${2:?--source-postgres needs a major}"; shift 2 ;;
    --postgres) PG="${2:?--postgres needs a major}"; shift 2 ;;
    *) echo "usage: $0 [--source-postgres 15|17|18] [--postgres 15|17|18]" >&2; exit 2 ;;
  esac
done
if [ -n "$SRC_PG$PG" ]; then
  SRC_PG="${SRC_PG:-15}"; PG="${PG:-$SRC_PG}"
  OUT="$ROOT/target/bench/refresh-pg$SRC_PG-to-pg$PG.json"
  missing=""
  for m in $SRC_PG $PG; do docker image inspect "dolly/postgres:$m" >/dev/null 2>&1 || missing="$missing $m"; done
  [ -z "$missing" ] || DOLLY_PG_MAJORS="${missing# }" "$ROOT/dolly" setup
fi

mkdir -p target/bench
cd host-agent/agent
java -Dfile.encoding=UTF-8 -Xmx1g \
  -cp "$CP" \
  dev.dolly.agent.refresh.RefreshBench --out "$OUT" ${SRC_PG:+--source-postgres "$SRC_PG"} ${PG:+--postgres "$PG"} \
  --runs "${REFRESH_BENCH_RUNS:-3}" --customers "${REFRESH_BENCH_CUSTOMERS:-2000000}" \
  --orders "${REFRESH_BENCH_ORDERS:-3600000}" --local "${REFRESH_BENCH_LOCAL:-true}"
