#!/usr/bin/env bash
# The local stack's audit trail as it is stored: read-only, straight from DynamoDB Local's file
# (.dolly/dynamodb/dolly.db, the embedded DynamoDB Local's SQLite store; the functions app may keep running),
# not through the app. One JSON object a line, oldest first: {at, subject, principal, front, action, outcome, detail}.
#   scripts/audit.sh                      every event
#   scripts/audit.sh clone:my-clone       the events of one subject (clone:<id>, template:<name>, token:<id>, host:<name>)
# On AWS the same items are in the DynamoDB table (pk AUDIT#<subject>; all by time on gsi2, KIND#audit).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/state.sh
. "$ROOT/scripts/lib/state.sh"
DB=${DOLLY_DYNAMODB_FILE:-$STATE/dynamodb/dolly.db}
TABLE=${DOLLY_DYNAMODB_TABLE:-${DOLLY_TABLE:-dolly}}
command -v sqlite3 >/dev/null || { echo "audit.sh: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
[ -f "$DB" ] || { echo "audit.sh: $DB is missing: run ./dolly up first" >&2; exit 1; }
[[ $TABLE =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "audit.sh: '$TABLE' is not a table name" >&2; exit 2; }
SUBJECT=${1:-}
[ $# -le 1 ] || { echo "usage: scripts/audit.sh [subject]   e.g. clone:my-clone" >&2; exit 2; }
# DynamoDB Local keeps keys as blobs: the subject's key is bound as a hex blob literal (nothing of it is read
# as SQL or by the shell's quoting); -readonly: this never writes the store
{
  printf '.timeout 5000\n'
  if [ -n "$SUBJECT" ]; then
    printf ".parameter set @pk X'%s'\n" "$(printf 'AUDIT#%s' "$SUBJECT" | od -An -v -tx1 | tr -d ' \n')"
    printf 'SELECT CAST(ObjectJSON AS TEXT) FROM "%s" WHERE hashKey = @pk ORDER BY rangeKey;\n' "$TABLE"
  else
    printf "SELECT CAST(ObjectJSON AS TEXT) FROM \"%s\" WHERE CAST(hashKey AS TEXT) LIKE 'AUDIT#%%' ORDER BY rangeKey;\n" "$TABLE"
  fi
} | sqlite3 -readonly -batch "$DB" |
  jq -c '{at: .at.S, subject: .subject.S, principal: .principal.S, front: .front.S, action: .action.S,
          outcome: .outcome.S, detail: .detail.S}'
