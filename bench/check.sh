#!/usr/bin/env bash
# ./dolly bench check — the migration check (issue 14) on the full-size demo shop.
#
# Builds the shop template (scripts/demo/shop.sql) with a host agent of its own (dataset root
# <pool>/bench-<random>, clone ports 21500-21509), then measures check_noop_ready (request → report
# for an empty migration), check_select1_ready and check_overhead (the unsafe index migration under
# observation and probe vs the same SQL run bare). Prints a table and writes target/bench/check.json.
# Options: --n 10 (rounds), --quick (3 rounds).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/bench.sh
. "$ROOT/scripts/lib/bench.sh"

OUT="$ROOT/target/bench/check.json"
if ! zpool list -H -o name >/dev/null 2>&1 || ! docker info >/dev/null 2>&1 \
    || ! docker image inspect "dolly/postgres:15" >/dev/null 2>&1; then
  "$ROOT/dolly" setup
fi
mkdir -p "$ROOT/target/bench"
BENCH_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dolly-bench-XXXXXX")
trap 'rm -rf "$BENCH_RUN_DIR"' EXIT
export BENCH_RUN_DIR
CP=$(bench_classpath "$ROOT" host-agent/agent \
  host-agent/agent/target/test-classes/dev/dolly/agent/bench/CheckBench.class)
cd "$ROOT"
java -Xmx1g -cp "$CP" dev.dolly.agent.bench.CheckBench --out "$OUT" "$@"
