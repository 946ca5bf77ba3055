#!/usr/bin/env bash
# ./dolly bench check — the migration check (issue 14) on the full-size demo shop.
#
# Starts a control plane of its own (scripts/lib/bench-stack.sh: a real host agent named `bench`, dataset root
# <pool>/bench-check-<random>, spares as shipped, and the local functions server with DynamoDB Local embedded), which
# builds the shop template from scripts/demo/shop.sql; then CheckBench measures check_noop_ready (a signed CI webhook
# for an empty migration → its report, through the functions server and the agent), check_noop_agent and
# check_select1_agent (the agent's part alone, on an existing clone) and check_overhead (the unsafe index migration
# under observation and probe vs the same SQL run bare). Prints a table and writes target/bench/check.json.
# Options: --n 10 (rounds), --quick (3 rounds).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/bench.sh
. "$ROOT/scripts/lib/bench.sh"
# shellcheck source=scripts/lib/bench-stack.sh
. "$ROOT/scripts/lib/bench-stack.sh"

OUT="$ROOT/target/bench/check.json"
if ! zpool list -H -o name >/dev/null 2>&1 || ! docker info >/dev/null 2>&1 \
    || ! docker image inspect "dolly/postgres:15" >/dev/null 2>&1; then
  "$ROOT/dolly" setup
fi
mkdir -p "$ROOT/target/bench"
stack_init "$ROOT" bench-check
BENCH_RUN_DIR="$STACK_WORK/classes"
export BENCH_RUN_DIR
CP=$(bench_classpath "$ROOT" host-agent/agent \
  host-agent/agent/target/test-classes/dev/dolly/agent/bench/CheckBench.class)

mkdir -p "$STACK_WORK/seed"
cp "$ROOT/scripts/demo/shop.sql" "$STACK_WORK/seed/V1__shop.sql"
stack_config shop <<YAML
  ports: 21500-21519
  image: dolly/postgres:15
  buildMissingTemplates: true
  buildMemory: 1g
  activityInterval: 0s
templates:
  shop:
    database: shop
    seed: [ $STACK_WORK/seed ]
    retention: 1
    clone: { ttl: 8h, maxTtl: 72h, idle: 4h, memory: 512m, quota: 4g }
YAML

t0=$(date +%s)
stack_start
stack_wait_template shop 900
echo "control plane up and the shop template built in $(( $(date +%s) - t0 )) s" >&2

cd "$ROOT"
java -Xmx1g -cp "$CP" dev.dolly.agent.bench.CheckBench --out "$OUT" \
  --agent-url "http://127.0.0.1:$STACK_AGENT_PORT" --agent-name bench --functions-url "$DOLLY_URL" "$@"
