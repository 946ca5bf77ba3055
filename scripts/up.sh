#!/usr/bin/env bash
# The local stack, started by `./dolly up` after setup and build: the demo source, the host agent,
# the functions app (DynamoDB Local embedded, Slack stand-in on), the first masked refresh of
# `shop`, and .dolly/local.env for scripts. Idempotent: what already runs is kept, and so are the
# clones; a second run takes seconds.
set -euo pipefail
# the servers started below live on after this script: they must not inherit a caller's descriptors. Under
# `flock FILE ./dolly up` (or a test run holding a lock) the demo source, the agent and the functions would
# otherwise hold FILE's lock for their whole life, and every later `flock FILE` would wait forever.
for fd in $(seq 3 63); do eval "exec $fd>&-" 2>/dev/null || true; done
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/state.sh
. "$ROOT/scripts/lib/state.sh"
AGENT_PORT=${DOLLY_AGENT_PORT:-7070}
HTTP_PORT=${DOLLY_HTTP_PORT:-8080}
AGENT_JAR="$ROOT/host-agent/agent/target/dolly-host-agent.jar"
FUNCTIONS_JAR="$ROOT/functions/app/target/dolly-functions.jar"
# shellcheck source=lib/agent.sh
. "$ROOT/scripts/lib/agent.sh"
mkdir -p "$LOGS" "$PIDS" "$SECRETS"; chmod 700 "$SECRETS"

now_ms() { date +%s%3N; }
T0=$(now_ms)
say() { printf '\e[1m▸ %s\e[0m\n' "$*"; }
die() { printf '\e[31mdolly up: %s\e[0m\n' "$*" >&2; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { [ -f "$PIDS/$1.pid" ] && cat "$PIDS/$1.pid" || true; }

# secret <name> [prefix]: a random secret generated once per machine and kept 0600 under $SECRETS
secret() {
  local f="$SECRETS/$1"
  [ -s "$f" ] || (umask 077; printf '%s%s' "${2:-}" "$(openssl rand -hex 24)" >"$f")
  cat "$f"
}

# wait_http <what> <url> <seconds> <log>
wait_http() {
  local what=$1 url=$2 secs=$3 log=$4 i
  for i in $(seq 1 $((secs * 5))); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  die "$what did not answer $url within ${secs}s; read $log"
}

[ -f "$AGENT_JAR" ] || die "$AGENT_JAR is missing: run 'mvn -pl host-agent/agent -am package -DskipTests'"
[ -f "$FUNCTIONS_JAR" ] || die "$FUNCTIONS_JAR is missing: run 'mvn -pl functions/app -am package -DskipTests'"

export DOLLY_AGENT_SECRET; DOLLY_AGENT_SECRET=$(secret agent-secret)
export DOLLY_CI_SECRET; DOLLY_CI_SECRET=$(secret ci-demo-secret)
export SLACK_SIGNING_SECRET; SLACK_SIGNING_SECRET=$(secret slack-signing-secret)
export SLACK_BOT_TOKEN; SLACK_BOT_TOKEN=$(secret slack-bot-token xoxb-local-)
export DOLLY_MASKING_SALT; DOLLY_MASKING_SALT=$(secret masking-salt)
export DOLLY_ADMIN_SECRET; DOLLY_ADMIN_SECRET=$(secret admin-secret)   # the functions server's local admin routes
export DOLLY_AGENT_URL="http://127.0.0.1:$AGENT_PORT"
DOLLY_URL="http://127.0.0.1:$HTTP_PORT"

say "demo source (PostgreSQL ${DOLLY_DEMO_POSTGRES:-15}, 1.3M rows of shop data)"
SOURCE_URL=$("$ROOT/scripts/demo-source.sh" start 2>>"$LOGS/demo-source.log") || die "the demo source did not start; read $LOGS/demo-source.log"
export DOLLY_SOURCE_SHOP_PASSWORD; DOLLY_SOURCE_SHOP_PASSWORD=$(cat "$SECRETS/demo-source-password")
SYSID=$("$ROOT/scripts/demo-source.sh" system-identifier)
echo "  $(echo "$SOURCE_URL" | sed 's|://\([^:]*\):[^@]*@|://\1:***@|')  system_identifier $SYSID"

SOURCE_PORT=$("$ROOT/scripts/demo-source.sh" port)

# the one config file, with the demo source's system identifier and port filled in (the shop template
# has no postgres: line, so it follows the source's major: DOLLY_DEMO_POSTGRES=17 gives 17 clones)
CONFIG="$STATE/dolly.yaml"
sed -e "s/\${DOLLY_DEMO_SOURCE_SYSTEM_ID}/$SYSID/" -e "s/^      port: 5499\$/      port: $SOURCE_PORT/" "$ROOT/config/dolly.yaml" >"$CONFIG"
ln -sfn ../config/seed "$STATE/seed"   # seed paths are relative to the config file

# clones kept across `./dolly down` (which stops their containers): serve them again. Their twins (second servers in
# the clone containers' network namespaces) are the agent's to start again, once the clone containers run
stopped=$(docker ps -aq --filter "label=dolly.root=dolly" --filter "label=dolly.kind=clone" --filter status=exited)
if [ -n "$stopped" ]; then
  say "restarting $(echo "$stopped" | wc -l) kept clone container(s)"
  docker start $stopped >/dev/null
fi

say "host agent on 127.0.0.1:$AGENT_PORT"
if alive "$(pid_of agent)" && curl -fsS -o /dev/null "$DOLLY_AGENT_URL/v1/health"; then
  echo "  running (pid $(pid_of agent))"
else
  (cd "$ROOT" && exec nohup java -jar "$AGENT_JAR" --config "$CONFIG" >>"$LOGS/agent.log" 2>&1) &
  echo $! >"$PIDS/agent.pid"
  wait_http "the host agent" "$DOLLY_AGENT_URL/v1/health" 60 "$LOGS/agent.log"
  echo "  started (pid $(pid_of agent), log $LOGS/agent.log)"
fi

say "functions on $DOLLY_URL (DynamoDB Local embedded, Slack stand-in)"
if alive "$(pid_of functions)" && curl -fsS -o /dev/null "$DOLLY_URL/health"; then
  echo "  running (pid $(pid_of functions))"
else
  mkdir -p "$STATE/dynamodb" "$STATE/tmp"
  (cd "$ROOT" && DOLLY_CONFIG="$CONFIG" DOLLY_PORT="$HTTP_PORT" DOLLY_DYNAMODB_ENDPOINT=embedded \
     DOLLY_DYNAMODB_FILE="$STATE/dynamodb/dolly.db" DOLLY_SLACK_API_URL="$DOLLY_URL/slack-api/" \
     exec nohup java -Dfile.encoding=UTF-8 -Djava.io.tmpdir="$STATE/tmp" -jar "$FUNCTIONS_JAR" \
       --dolly.slack-stand-in.enabled=true >>"$LOGS/functions.log" 2>&1) &
  echo $! >"$PIDS/functions.pid"
  wait_http "the functions app" "$DOLLY_URL/health" 120 "$LOGS/functions.log"
  echo "  started (pid $(pid_of functions), log $LOGS/functions.log)"
fi

# the first masked refresh of shop, unless a snapshot of the demo's major already serves (after
# `DOLLY_DEMO_POSTGRES=17 ./dolly up` on a machine that ran the 15 demo, the 15 snapshot is not the demo asked for)
want_major=${DOLLY_DEMO_POSTGRES:-15}
read -r current current_major < <(agent_call GET /v1/templates \
  | jq -r '.[] | select(.name == "shop") | "\(.currentSnapshot // "") \(.postgres // "")"') || true
if [ -n "${current:-}" ] && [ "${current_major:-}" = "$want_major" ]; then
  say "template shop: snapshot $current (PostgreSQL $current_major) serves (./dolly refresh shop makes a new one)"
else
  if [ -n "${current:-}" ]; then
    say "template shop: snapshot $current is PostgreSQL ${current_major:-?}, the demo source $want_major: masked refresh of shop"
  else
    say "first masked refresh of shop"
  fi
  DOLLY_URL=$DOLLY_URL "$ROOT/scripts/refresh.sh" shop
fi

cat >"$STATE/local.env" <<ENV
# written by ./dolly up — source it: . .dolly/local.env
DOLLY_URL=$DOLLY_URL
DOLLY_SLACK_URL=$DOLLY_URL/slack/events
DOLLY_SLACK_SIGNING_SECRET=$SLACK_SIGNING_SECRET
DOLLY_SLACK_API_URL=$DOLLY_URL/slack-api/
DOLLY_DEMO_SLACK_USER=U0DEMO
DOLLY_CI_KEY=ci-demo
DOLLY_CI_SECRET=$DOLLY_CI_SECRET
DOLLY_DEMO_SOURCE_URL=$SOURCE_URL
DOLLY_AGENT_URL=$DOLLY_AGENT_URL
ENV
chmod 600 "$STATE/local.env"
sed -i 's/^\([A-Z_]*\)=/export \1=/' "$STATE/local.env"

dt=$(( $(now_ms) - T0 ))
cat <<DONE

Dolly is up ($((dt / 1000)).$(printf %03d $((dt % 1000))) s).
  functions (CI webhook):  $DOLLY_URL/webhooks/ci
  Slack request URL:       $DOLLY_URL/slack/events   (Web API stand-in: $DOLLY_URL/slack-api/)
  host agent:              $DOLLY_AGENT_URL
  demo CI key:             ci-demo   (secret in .dolly/local.env)
  settings for scripts:    .dolly/local.env

Try:
  . .dolly/local.env && eval "\$(clients/dolly-ci create --template shop --clone try-1 --wait)"
  psql -c 'select full_name, email, phone from customers limit 5'     # masked
  clients/dolly-ci reset --clone try-1 && clients/dolly-ci destroy --clone try-1

./dolly status shows what runs and the clones; ./dolly down stops it all.
DONE
