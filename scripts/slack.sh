#!/usr/bin/env bash
# Sends a signed /dolly slash command to the local stack, as Slack would, and prints the answer
# it posts to response_url (as text, plus the Block Kit JSON with --json).
#   scripts/slack.sh [--user U0DEMO] [--json] create shop --name my-clone
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ -f "$ROOT/.dolly/local.env" ] || { echo "slack.sh: .dolly/local.env is missing: run ./dolly up first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$ROOT/.dolly/local.env"
# shellcheck source=lib/state.sh
. "$ROOT/scripts/lib/state.sh"
# shellcheck source=lib/admin.sh
. "$ROOT/scripts/lib/admin.sh"
# shellcheck source=lib/slack.sh
. "$ROOT/scripts/lib/slack.sh"
USER_ID=$DOLLY_DEMO_SLACK_USER; JSON=false
while [ $# -gt 0 ]; do
  case "$1" in
    --user) USER_ID=$2; shift 2 ;;
    --json) JSON=true; shift ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: scripts/slack.sh [--user ID] [--json] <dolly command…>   e.g. create shop" >&2; exit 2; }
id=cli-$(date +%s%N)
seq0=$(last_seq)
export SLACK_ACK_FILE; SLACK_ACK_FILE=$(mktemp); trap 'rm -f "$SLACK_ACK_FILE"' EXIT
read -r status secs <<<"$(slack_post "$(slash_form "$USER_ID" "$*" "$id")")"
echo "ack: HTTP $status in ${secs}s" >&2
[ "$status" = 200 ] || { cat "$SLACK_ACK_FILE" >&2; exit 1; }
show() { if $JSON; then jq . <<<"$1"; else jq -r '[.text] + [.blocks[]? | .. | .text? | strings] | map(select(. != null)) | .[]' <<<"$1"; fi; }
ack=$(cat "$SLACK_ACK_FILE")
# an answer given in the ack itself (help, usage errors) is final; otherwise it comes on response_url
if [ -n "$ack" ] && ! jq -e '(.text // "") | test("working on it"; "i")' <<<"$ack" >/dev/null 2>&1; then show "$ack"; exit 0; fi
body=$(await_response "$id" "$seq0" 120) || { echo "no answer on response_url within 120 s" >&2; exit 1; }
show "$body"
