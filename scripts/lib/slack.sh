# Talking to the local stack's Slack request URL the way Slack does (sourced by scripts/slack.sh
# and scripts/e2e.sh). Needs DOLLY_URL, DOLLY_SLACK_URL and DOLLY_SLACK_SIGNING_SECRET (.dolly/local.env), and
# admin_curl (scripts/lib/admin.sh) for the stand-in's recording.

uri() { jq -rn --arg v "$1" '$v|@uri'; }

# slack_post <form body>: signs (v0, HMAC-SHA256 over "v0:<ts>:<body>") and posts it; prints "<http status> <seconds>".
# The immediate answer (the ack's body) goes to $SLACK_ACK_FILE when that is set.
slack_post() {
  local ts sig; ts=$(date +%s)
  sig=v0=$(printf 'v0:%s:%s' "$ts" "$1" | openssl dgst -sha256 -mac HMAC -macopt "key:$DOLLY_SLACK_SIGNING_SECRET" -r | cut -d' ' -f1)
  curl -sS -o "${SLACK_ACK_FILE:-/dev/null}" -w '%{http_code} %{time_total}' -X POST "$DOLLY_SLACK_URL" \
    -H "X-Slack-Request-Timestamp: $ts" -H "X-Slack-Signature: $sig" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$1"
}

# slash_form <user id> <text> <response id>: the form body of a /dolly slash command
slash_form() {
  printf 'token=x&team_id=TLOCAL&team_domain=local&channel_id=C0LOCAL&channel_name=dolly&user_id=%s&user_name=%s&command=%s&text=%s&api_app_id=A0LOCAL&response_url=%s&trigger_id=%s' \
    "$1" "$(uri "${1,,}")" "$(uri /dolly)" "$(uri "$2")" "$(uri "$DOLLY_URL/slack-api/response/$3")" "1.2.$3"
}

# last_seq: the sequence number of the newest call the Slack stand-in recorded
last_seq() { admin_curl -fsS "$DOLLY_URL/slack-api/recorded" | jq '[.[].seq] | max // 0'; }

# await_response <response id> <after seq> [seconds]: the first body posted to that response_url
await_response() {
  local i body
  for i in $(seq 1 $(( ${3:-60} * 5 ))); do
    body=$(admin_curl -fsS "$DOLLY_URL/slack-api/recorded?after=$2" | jq -c --arg t "response_url/$1" '[.[] | select(.target == $t)] | first | .body // empty')
    [ -n "$body" ] && { echo "$body"; return 0; }
    sleep 0.2
  done
  return 1
}
