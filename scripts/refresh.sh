#!/usr/bin/env bash
# Refreshes a template through the control plane's scheduled-refresh function (the same event
# EventBridge Scheduler sends) and shows the job's progress until it ends.
#   scripts/refresh.sh <template>        (./dolly refresh <template>)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/state.sh
. "$ROOT/scripts/lib/state.sh"
TEMPLATE=${1:?usage: scripts/refresh.sh <template>}
DOLLY_URL=${DOLLY_URL:-http://127.0.0.1:${DOLLY_HTTP_PORT:-8080}}
export DOLLY_AGENT_URL=${DOLLY_AGENT_URL:-http://127.0.0.1:${DOLLY_AGENT_PORT:-7070}}
export DOLLY_AGENT_SECRET; DOLLY_AGENT_SECRET=${DOLLY_AGENT_SECRET:-$(cat "$SECRETS/agent-secret")}
# shellcheck source=lib/agent.sh
. "$ROOT/scripts/lib/agent.sh"
# shellcheck source=lib/admin.sh
. "$ROOT/scripts/lib/admin.sh"

before=$(curl -fsS "$DOLLY_URL/health" | jq -r --arg t "$TEMPLATE" '.templates[$t].currentSnapshot // empty')
answer=$(admin_curl -fsS -X POST "$DOLLY_URL/scheduledRefresh" -H 'Content-Type: application/json' \
  -d "$(jq -nc --arg t "$TEMPLATE" '{source: "dolly.local", "detail-type": "Scheduled Event", detail: {template: $t}}')")
job=$(jq -r '.job // empty' <<<"$answer")
[ -n "$job" ] || { echo "refresh of $TEMPLATE did not start: $(jq -r '.error // .' <<<"$answer")" >&2; exit 1; }
t0=$(date +%s)
while :; do
  j=$(agent_call GET "/v1/jobs/$job")
  state=$(jq -r .state <<<"$j")
  printf '\r  %-9s %-10s tables %s/%s  rows %s  %ss elapsed, eta %ss   ' "$state" "$(jq -r .phase <<<"$j")" \
    "$(jq -r .tablesDone <<<"$j")" "$(jq -r .tablesTotal <<<"$j")" "$(jq -r .rowsCopied <<<"$j")" \
    "$(( $(date +%s) - t0 ))" "$(jq -r '.etaSeconds // "-"' <<<"$j")"
  [ "$state" = RUNNING ] || break
  sleep 1
done
echo
[ "$state" = SUCCEEDED ] || { echo "refresh of $TEMPLATE ended $state: $(jq -r .error <<<"$j")" >&2; exit 1; }
snapshot=$(jq -r .snapshot <<<"$j")
# wait until the control plane serves the new snapshot (it learns it from the agent's callback or heartbeat)
for _ in $(seq 1 100); do
  now=$(curl -fsS "$DOLLY_URL/health" | jq -r --arg t "$TEMPLATE" '.templates[$t].currentSnapshot // empty')
  [ -n "$now" ] && [ "$now" != "$before" ] && break
  sleep 0.2
done
echo "  snapshot $snapshot of $TEMPLATE ready (${before:-none} before)"
