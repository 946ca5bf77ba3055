#!/usr/bin/env bash
# ./dolly bench clones — thin clones against what a user would otherwise do.
#
# Builds a ~100 MB and a ~1 GB seed template with a host agent of its own (dataset root
# <pool>/bench-<random>, clone ports 21400-21499), then measures, on the real pool and engine:
# clone_ready (create → the returned credentials connect), reset, destroy; CREATE DATABASE …
# TEMPLATE and pg_dump | pg_restore on the same data; extra disk and memory of 50 idle clones of
# the ~1 GB template. Prints a table and writes target/bench/clones.json. Removes what it made.
#
# Options (passed to the benchmark): --n 20 (rounds per size), --idle 50, --quick (100 MB only,
# fewer rounds), --network bridge|host, --postgres 15|17|18 (templates and clones on that major;
# writes target/bench/clones-pg<major>.json instead; without it: 15, target/bench/clones.json).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/bench.sh
. "$ROOT/scripts/lib/bench.sh"

OUT="$ROOT/target/bench/clones.json"
PG=15
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[i]}" = --postgres ]; then
    PG="${args[i + 1]:?--postgres needs a major (15, 17 or 18)}"
    OUT="$ROOT/target/bench/clones-pg$PG.json"
  fi
done

# the host (zfs-fuse, dockerd, pool, image): `./dolly bench` sets it up before calling us; run alone, we do
if ! zpool list -H -o name >/dev/null 2>&1 || ! docker info >/dev/null 2>&1 \
    || ! docker image inspect "dolly/postgres:$PG" >/dev/null 2>&1; then
  DOLLY_PG_MAJORS="$PG" "$ROOT/dolly" setup
fi

mkdir -p "$ROOT/target/bench"
# CloneBench is in the agent's test sources; it runs from a copy of the classes, so a build of the
# checkout cannot swap them under a running benchmark
BENCH_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dolly-bench-XXXXXX")
trap 'rm -rf "$BENCH_RUN_DIR"' EXIT
export BENCH_RUN_DIR
CP=$(bench_classpath "$ROOT" host-agent/agent \
  host-agent/agent/target/test-classes/dev/dolly/agent/bench/CloneBench.class)
java -Xmx1g -cp "$CP" dev.dolly.agent.bench.CloneBench --out "$OUT" "$@"
