#!/usr/bin/env bash
# Control-plane benchmark: a real host agent and the local functions server (DynamoDB Local embedded),
# driven through the CI webhook by clients/dolly-ci.
#   webhook_create_ready    dolly-ci create --wait → READY (client, signing, webhook, DynamoDB, agent)
#   control_plane_overhead  per command (create, status, reset, destroy): function time minus agent time,
#                           from the server's Server-Timing header
# Prints a table and writes target/bench/control-plane.json. Env: BENCH_N (default 20), DOLLY_POOL.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${BENCH_N:-20}
OUT="$ROOT/target/bench"
# shellcheck source=scripts/lib/bench-stack.sh
. "$ROOT/scripts/lib/bench-stack.sh"
mkdir -p "$OUT"
stack_init "$ROOT" bench-cp
WORK=$STACK_WORK
mkdir -p "$WORK/seed"
cat >"$WORK/seed/V1__shop.sql" <<'SQL'
CREATE TABLE customer(id bigint PRIMARY KEY, email text NOT NULL, name text NOT NULL);
INSERT INTO customer SELECT g, 'customer' || g || '@example.com', 'Customer ' || g FROM generate_series(1, 10000) g;
CREATE TABLE orders(id bigint PRIMARY KEY, customer_id bigint REFERENCES customer(id), total numeric(10,2));
INSERT INTO orders SELECT g, 1 + g % 10000, g * 1.5 FROM generate_series(1, 50000) g;
SQL
stack_config shop <<YAML
  ports: 23400-23499
  image: dolly/postgres:15
  buildMissingTemplates: true
  activityInterval: 0s
templates:
  shop:
    database: shop
    seed: [ $WORK/seed ]
    clone: { ttl: 8h, maxTtl: 72h, idle: 4h, memory: 256m }
YAML
stack_start
stack_wait_template shop 300

CLIENT="$ROOT/clients/dolly-ci"

# a signed webhook call that prints "<function ms> <agent ms>" from Server-Timing
timed_call() {
  local body=$1 ts sig hdr
  ts=$(date +%s)
  sig=$(printf '%s' "$ts.$body" | openssl dgst -sha256 -hmac "$DOLLY_CI_SECRET" -hex); sig=${sig##* }
  hdr=$(curl -sS -o /dev/null -D - -X POST "$DOLLY_URL/webhooks/ci" -H "Content-Type: application/json" \
    -H "X-Dolly-Key: $DOLLY_CI_KEY" -H "X-Dolly-Timestamp: $ts" -H "X-Dolly-Signature: sha256=$sig" \
    -H "Idempotency-Key: bench-$(openssl rand -hex 8)" --data-binary "$body")
  echo "$hdr" | tr -d '\r' | sed -n 's/^[Ss]erver-[Tt]iming: total;dur=\([0-9.]*\), agent;dur=\([0-9.]*\).*/\1 \2/p'
}

: >"$WORK/create.txt"; : >"$WORK/overhead.txt"
# warm-up (JIT, connection pools) of a server that has just started: not measured
for w in 1 2 3; do
  eval "$("$CLIENT" create --template shop --clone "bench-warm$w" --wait)"
  for k in $(seq 1 10); do timed_call "{\"action\":\"status\",\"clone\":\"bench-warm$w\",\"n\":\"$k\"}" >/dev/null; done
  "$CLIENT" reset --clone "bench-warm$w" >/dev/null
  "$CLIENT" destroy --clone "bench-warm$w" >/dev/null
done
for i in $(seq 1 "$N"); do
  t0=$(date +%s%N)
  eval "$("$CLIENT" create --template shop --clone "bench-$i" --ttl 1h --wait)"
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000 ))" >>"$WORK/create.txt"
  [ "$PGDATABASE" = shop ] && [ -n "$PGPASSWORD" ] || { echo "create bench-$i gave no credentials" >&2; exit 1; }
  sleep 1 # distinct timestamps: identical signed bodies within one second are replays by contract
  for body in "{\"action\":\"status\",\"clone\":\"bench-$i\"}" "{\"action\":\"reset\",\"clone\":\"bench-$i\"}" \
              "{\"action\":\"destroy\",\"clone\":\"bench-$i\"}"; do
    read -r fn agent < <(timed_call "$body")
    action=${body#*\"action\":\"}; action=${action%%\"*}
    awk -v f="$fn" -v a="$agent" 'BEGIN { printf "%d\n", (f - a) * 1000 }' | tee -a "$WORK/overhead.txt" >>"$WORK/overhead-$action.txt"
  done
  read -r fn agent < <(timed_call "{\"action\":\"create\",\"template\":\"shop\",\"clone\":\"bench-o$i\",\"ttl\":\"1h\"}")
  awk -v f="$fn" -v a="$agent" 'BEGIN { printf "%d\n", (f - a) * 1000 }' | tee -a "$WORK/overhead.txt" >>"$WORK/overhead-create.txt"
  "$CLIENT" destroy --clone "bench-o$i" >/dev/null
done

# pct <file of microseconds> <p>: nearest-rank percentile, in seconds
pct() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.4f", v[i] / 1e6 }'; }
count() { wc -l <"$1" | tr -d ' '; }

C50=$(pct "$WORK/create.txt" 50); C95=$(pct "$WORK/create.txt" 95); CN=$(count "$WORK/create.txt")
O50=$(pct "$WORK/overhead.txt" 50); O95=$(pct "$WORK/overhead.txt" 95); ON=$(count "$WORK/overhead.txt")
cat >"$OUT/control-plane.json" <<JSON
{"results":[
  {"metric":"webhook_create_ready","size_bytes":0,"n":$CN,"p50_s":$C50,"p95_s":$C95},
  {"metric":"control_plane_overhead","size_bytes":0,"n":$ON,"p50_s":$O50,"p95_s":$O95}
]}
JSON
printf '%-24s %6s %10s %10s %s\n' metric n p50_s p95_s target
printf '%-24s %6s %10s %10s %s\n' webhook_create_ready "$CN" "$C50" "$C95" "p50 <= 2.0"
printf '%-24s %6s %10s %10s %s\n' control_plane_overhead "$ON" "$O50" "$O95" "p50 <= 0.05"
for a in create status reset destroy; do
  printf '  %-22s %6s %10s %10s\n' "overhead: $a" "$(count "$WORK/overhead-$a.txt")" "$(pct "$WORK/overhead-$a.txt" 50)" "$(pct "$WORK/overhead-$a.txt" 95)"
done
echo "wrote $OUT/control-plane.json" >&2
