#!/usr/bin/env bash
# End-to-end tests of the CI clients, run by `./dolly test` after scripts/e2e.sh:
#   (d) clients/dolly-ci and clients/github-action against a fake Dolly (node --test): hostile answers,
#       retries with Retry-After, no secret in any command line, private files, eval failing on failure
#   (e) clients/github-action against the local stack, run the way the GitHub runner runs it
#   (g) clients/dolly (the CLI) with a personal token issued by a signed /dolly token: create, list, savepoint,
#       psql, reset, env, extend, password, destroy; the audit trail as stored names the token on each; a revoked
#       and an expired (--ttl 10s) token → 401 saying how to get a new one; a user without a grant → 403
#   (f) clients/gitlab/dolly-clone.yml: its jobs rendered as GitLab renders them, run with bash, the dotenv
#       report read back the way GitLab reads it, psql in a later "job", reset between suites, .post destroy
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/state.sh
. "$ROOT/scripts/lib/state.sh"
# shellcheck source=scripts/lib/clones.sh
. "$ROOT/scripts/lib/clones.sh"
[ -f "$STATE/local.env" ] || { echo "e2e-clients: .dolly/local.env is missing: run ./dolly up first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/local.env"
command -v node >/dev/null || { echo "e2e-clients: node (20+) is required" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "e2e-clients: sqlite3 is required (scripts/audit.sh reads the audit trail with it)" >&2; exit 1; }
POOL=${DOLLY_POOL:-dolly}
PASSED=0; FAILED=0
check() { # check <description> <command…>
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then PASSED=$((PASSED + 1)); printf '  \e[32mok\e[0m   %s\n' "$what"
  else FAILED=$((FAILED + 1)); printf '  \e[31mFAIL\e[0m %s\n' "$what"; fi
}
node_suite() { # node_suite <description> <files…>: a node --test suite, its summary shown
  local what=$1 out rc=0; shift
  out=$(node --test --test-reporter=spec "$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | grep -E '^\s*(✔|✖)' | sed 's/^/    /' || true
  if [ "$rc" = 0 ]; then PASSED=$((PASSED + 1)); printf '  \e[32mok\e[0m   %s\n' "$what"
  else FAILED=$((FAILED + 1)); printf '  \e[31mFAIL\e[0m %s\n' "$what"; printf '%s\n' "$out" | tail -n 40 | sed 's/^/    /'; fi
}

echo "(d) clients against a fake Dolly"
node_suite "dolly-ci and the GitHub Action: unit suites" "$ROOT"/clients/test/*.test.mjs

echo "(e) the GitHub Action against the local stack"
node_suite "action: create → psql customers → reset → post → nothing left" "$ROOT/clients/test/e2e-github-action.mjs"

echo "(f) the GitLab component against the local stack"
COMPONENT="$ROOT/clients/gitlab/dolly-clone.yml"
WORK=$(mktemp -d); trap '[ "$FAILED" != 0 ] || rm -rf "$WORK"' EXIT
RUN=$(date +%s)$$
job_part() { python3 "$ROOT/clients/test/gitlab_job.py" "$COMPONENT" "$1" "$2" template=shop client="$ROOT/clients/dolly-ci" ttl=1h; }
# run_job <job> <status var>: before_script + script, then after_script with CI_JOB_STATUS, in the job's
# environment (CI_* like GitLab's, the CI/CD variables, the job's variables, the dotenv of earlier jobs)
run_job() {
  local name=$1 rc=0 status
  mkdir -p "$WORK/$name"
  ( cd "$WORK/$name" && export CI_PROJECT_ID=42 CI_PIPELINE_ID="$RUN" CI_JOB_ID="$RUN$((++JOBS))" DOLLY_URL DOLLY_CI_KEY DOLLY_CI_SECRET &&
    [ ! -f "$WORK/dotenv.sh" ] || . "$WORK/dotenv.sh"
    eval "$(job_part "$name" variables)"
    bash -eo pipefail -c "$(job_part "$name" script)" ) >"$WORK/$name.log" 2>&1 || rc=$?
  status=success; [ "$rc" = 0 ] || status=failed
  ( cd "$WORK/$name" && export CI_PROJECT_ID=42 CI_PIPELINE_ID="$RUN" CI_JOB_STATUS=$status DOLLY_URL DOLLY_CI_KEY DOLLY_CI_SECRET &&
    eval "$(job_part "$name" variables)" && bash -c "$(job_part "$name" after_script)" ) >>"$WORK/$name.log" 2>&1 || true
  return "$rc"
}
JOBS=0
# read_dotenv <file>: GitLab's reading of a dotenv report — KEY=VALUE lines only (no blank lines, no comments,
# ASCII names), surrounding blanks stripped, quotes kept, at most 20 variables and 5 KB — as export lines
read_dotenv() {
  local f=$1 line n=0
  [ "$(wc -c <"$f")" -lt 5120 ] || return 1
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line =~ ^([A-Za-z0-9_]+)=(.*)$ ]] || { echo "invalid dotenv line" >&2; return 1; }
    n=$((n + 1)); [ "$n" -le 20 ] || return 1
    local v=${BASH_REMATCH[2]}; v=${v#"${v%%[![:space:]]*}"}; v=${v%"${v##*[![:space:]]}"}
    printf 'export %s=%q\n' "${BASH_REMATCH[1]}" "$v"
  done <"$f"
}
CLONE="ci-42-$RUN"
check "create job (.pre) succeeds" run_job dolly-create
check "its dotenv report is valid for GitLab" read_dotenv "$WORK/dolly-create/$(job_part dolly-create dotenv)"
read_dotenv "$WORK/dolly-create/dolly.env" >"$WORK/dotenv.sh" 2>/dev/null || true
check "the report names the clone and every PG* variable" bash -c '. "$1"; [ "$DOLLY_CLONE" = "$2" ] && [ -n "$PGHOST" ] && [ -n "$PGPORT" ] && [ -n "$PGUSER" ] && [ -n "$PGPASSWORD" ] && [ -n "$PGDATABASE" ] && [ -n "$DATABASE_URL" ]' _ "$WORK/dotenv.sh" "$CLONE"
test_job() { ( . "$WORK/dotenv.sh"; command psql -w -v ON_ERROR_STOP=1 -Atc "$1" </dev/null ); }
check "a later job: psql -c 'select count(*) from customers'" bash -c '[ "$(. "$1"; psql -w -Atc "select count(*) from customers" </dev/null)" -gt 0 ]' _ "$WORK/dotenv.sh"
items=$(test_job 'select count(*) from order_items' 2>/dev/null || echo "?")
test_job 'delete from order_items' >/dev/null 2>&1 || true
check "suite 1 wrote (order_items emptied)" [ "$(test_job 'select count(*) from order_items' 2>/dev/null)" = 0 ]
check "reset between suites (dolly-ci reset --clone \$DOLLY_CLONE)" bash -c '. "$1"; "$2" reset --clone "$DOLLY_CLONE"' _ "$WORK/dotenv.sh" "$ROOT/clients/dolly-ci"
check "suite 2 sees the clone as it was" [ "$(test_job 'select count(*) from order_items' 2>/dev/null)" = "$items" ]
check "destroy job (.post) succeeds" run_job dolly-destroy
check "nothing of the clone is left on the pool or in Docker" clone_gone "$CLONE"
rm -f "$WORK/dotenv.sh"

echo "(g) the dolly CLI with a personal token against the local stack"
DOLLY=$ROOT/clients/dolly
CLI_CLONE="cli-$RUN"
GET_ONE='Get a new one with `/dolly token` in Slack, then run `dolly login`.'   # what a 401 says to do
# issue_token <user> <ttl>: a token issued through a signed /dolly token, read from the ephemeral reply (scripts/slack.sh
# prints it); prints "<token> <id> <expiry>"
issue_token() {
  local reply token id expires
  reply=$("$ROOT/scripts/slack.sh" --user "$1" token --ttl "$2" 2>/dev/null) || return 1
  token=$(grep -o 'dolly_pat_[A-Za-z0-9_-]\{43\}' <<<"$reply" | head -n 1)
  id=$(grep -o 'Token tok-[0-9a-f]* issued' <<<"$reply" | head -n 1 | cut -d' ' -f2)
  expires=$(grep -o 'it expires [0-9T:.Z-]*[0-9Z]' <<<"$reply" | head -n 1 | cut -d' ' -f3)
  [ -n "$token" ] && [ -n "$id" ] && [ -n "$expires" ] && printf '%s %s %s\n' "$token" "$id" "$expires"
}
read -r TOKEN TOKEN_ID _ <<<"$(issue_token "$DOLLY_DEMO_SLACK_USER" 1h || true)"
issued() { [ -n "${TOKEN:-}" ] && [ -n "${TOKEN_ID:-}" ]; }
check "/dolly token (signed Slack request) shows a dolly_pat_ token once, with its id" issued
export DOLLY_CONFIG_DIR="$WORK/dolly-config"
export E2E_TOKEN=${TOKEN:-}   # handed to the checks in the environment, never in a command line
check "dolly login --url … --with-token (token on stdin) saves it 0600 in a 0700 directory" bash -c \
  'printf "%s\n" "$E2E_TOKEN" | env -u DOLLY_TOKEN "$1" login --url "$2" --with-token && [ "$(stat -c %a "$DOLLY_CONFIG_DIR/config")" = 600 ] && [ "$(stat -c %a "$DOLLY_CONFIG_DIR")" = 700 ]' _ "$DOLLY" "$DOLLY_URL"
cli() { env -u DOLLY_TOKEN -u DOLLY_URL "$DOLLY" "$@"; }   # only what login saved
check "dolly create shop --name $CLI_CLONE --ttl 1h (table, password shown once)" bash -c 'out=$("$@") && grep -q READY <<<"$out" && grep -q "^password: " <<<"$out"' _ env -u DOLLY_TOKEN -u DOLLY_URL "$DOLLY" create shop --name "$CLI_CLONE" --ttl 1h
check "dolly list shows it" bash -c '"$@" | grep -q "^$0 "' "$CLI_CLONE" env -u DOLLY_TOKEN -u DOLLY_URL "$DOLLY" list
check "dolly list --output json is the user API's JSON" bash -c '"$@" --output json | jq -e --arg c "$0" ".clones[] | select(.id == \$c)"' "$CLI_CLONE" env -u DOLLY_TOKEN -u DOLLY_URL "$DOLLY" list
check "dolly savepoint $CLI_CLONE before" cli savepoint "$CLI_CLONE" before
check "dolly psql $CLI_CLONE -c 'delete from order_items' (password rotated, only in the environment)" cli psql "$CLI_CLONE" -w -v ON_ERROR_STOP=1 -qc 'delete from order_items'
check "dolly reset $CLI_CLONE --savepoint before" cli reset "$CLI_CLONE" --savepoint before
check "eval \"\$(dolly env $CLI_CLONE)\" then psql: the rows are back" bash -c 'eval "$("$1" env "$2")" && [ "$(psql -w -Atc "select count(*) from order_items" </dev/null)" -gt 0 ]' _ "$DOLLY" "$CLI_CLONE"
check "dolly extend $CLI_CLONE --by 2h" cli extend "$CLI_CLONE" --by 2h
check "dolly password $CLI_CLONE rotates it" bash -c '"$@" | grep -q "^password: "' _ env -u DOLLY_TOKEN -u DOLLY_URL "$DOLLY" password "$CLI_CLONE"
# refused <exit status> <text> <command…>: the command fails with that status and says the text on stderr
refused() { local want=$1 text=$2 rc=0 err; shift 2; err=$("$@" 2>&1 >/dev/null) || rc=$?; [ "$rc" = "$want" ] && grep -qF -- "$text" <<<"$err"; }
# says <exit status> <line> <command…>: the command fails with that status and its stderr is that line, as a person reads it
says() { local want=$1 line=$2 rc=0 err; shift 2; err=$("$@" 2>&1 >/dev/null) || rc=$?; [ "$rc" = "$want" ] && [ "$err" = "$line" ]; }
# answers <status> <message> <variable holding the token> <method> <path> [JSON body]: the user API answers that HTTP
# status with that message (curl reads the Authorization header from stdin: the token never reaches a command line)
answers() {
  local want=$1 message=$2 var=$3 method=$4 path=$5 body=${6:-} out status rc=0
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H @- -H 'Content-Type: application/json' ${body:+--data-binary "$body"} \
    "$DOLLY_URL$path" <<<"Authorization: Bearer ${!var}") || rc=$?
  [ "$rc" = 0 ] && [ "$status" = "$want" ] && [ "$(jq -r .message "$out")" = "$message" ]; rc=$?
  rm -f "$out"; return "$rc"
}
check "a mistake answers with the usage to type instead (exit 3)" refused 3 "Did you mean create" cli crate shop
check "dolly destroy $CLI_CLONE" cli destroy "$CLI_CLONE"
check "nothing of the CLI's clone is left on the pool or in Docker" clone_gone "$CLI_CLONE"
# the audit trail as stored (DynamoDB Local's file, read by scripts/audit.sh): every command made with the token names it
# audit_names <subject> <action> <outcome> <count> <principal> <front>: that many such events, each by that principal from that front
audit_names() {
  "$ROOT/scripts/audit.sh" "$1" | jq -e -s --arg a "$2" --arg o "$3" --argjson n "$4" --arg p "$5" --arg f "$6" \
    'map(select(.action == $a and .outcome == $o)) | length == $n and all(.principal == $p and .front == $f)'
}
# password: rotated 3 times (dolly psql, dolly env, dolly password)
for step in create:ready:1 savepoint:done:1 password:rotated:3 reset:done:1 extend:done:1 destroy:done:1; do
  IFS=: read -r action outcome n <<<"$step"
  check "the audit trail of clone:$CLI_CLONE: $action ($outcome) x$n, each by slack:$DOLLY_DEMO_SLACK_USER token:$TOKEN_ID from the API" \
    audit_names "clone:$CLI_CLONE" "$action" "$outcome" "$n" "slack:$DOLLY_DEMO_SLACK_USER token:$TOKEN_ID" API
done
check "… and of token:$TOKEN_ID: issued from Slack by slack:$DOLLY_DEMO_SLACK_USER (tokens are issued in Slack only)" \
  audit_names "token:$TOKEN_ID" issue done 1 "slack:$DOLLY_DEMO_SLACK_USER" SLACK
check "dolly token list --output json lists $TOKEN_ID, its last use recorded" bash -c '"$@" --output json | jq -e --arg t "$0" "[.tokens[] | select(.id == \$t and .lastUsedAt != null and .revokedAt == null)] | length == 1"' "$TOKEN_ID" env -u DOLLY_TOKEN -u DOLLY_URL "$DOLLY" token list
check "dolly token revoke $TOKEN_ID (the token revokes itself)" cli token revoke "$TOKEN_ID"
check "… audited as revoked through the token itself" audit_names "token:$TOKEN_ID" revoke done 1 "slack:$DOLLY_DEMO_SLACK_USER token:$TOKEN_ID" API
check "the revoked token: HTTP 401 'Token $TOKEN_ID was revoked. Get a new one with /dolly token…'" \
  answers 401 "Token $TOKEN_ID was revoked. $GET_ONE" E2E_TOKEN GET /api/v1/clones
check "… and the CLI says so and exits 4" says 4 "Token $TOKEN_ID was revoked. $GET_ONE" cli list
# expiry against the running stack: a token issued with a 10 s life, used while valid, refused once its time is past
read -r SHORT SHORT_ID SHORT_EXPIRES <<<"$(issue_token "$DOLLY_DEMO_SLACK_USER" 10s || true)"
export E2E_SHORT=${SHORT:-none}
as_short() { DOLLY_URL=$DOLLY_URL DOLLY_TOKEN=$E2E_SHORT "$DOLLY" "$@"; }   # the token in the environment only
check "/dolly token --ttl 10s issues $SHORT_ID, expiring at ${SHORT_EXPIRES:-?}" [ -n "${SHORT_EXPIRES:-}" ]
check "… dolly list with it works while it is valid" as_short list
wait_s=$(( $(date -d "${SHORT_EXPIRES:-now}" +%s) - $(date +%s) + 1 ))
[ "$wait_s" -le 0 ] || { echo "    waiting ${wait_s}s for $SHORT_ID to expire"; sleep "$wait_s"; }
check "the expired token: HTTP 401 'Token $SHORT_ID expired at $SHORT_EXPIRES. Get a new one with /dolly token…'" \
  answers 401 "Token $SHORT_ID expired at $SHORT_EXPIRES. $GET_ONE" E2E_SHORT GET /api/v1/clones
check "… and the CLI says so and exits 4" says 4 "Token $SHORT_ID expired at $SHORT_EXPIRES. $GET_ONE" as_short list
read -r NOGRANT _ <<<"$(issue_token U0NOGRANT 1h || true)"
export E2E_NOGRANT=${NOGRANT:-none}
as_nogrant() { DOLLY_URL=$DOLLY_URL DOLLY_TOKEN=$E2E_NOGRANT "$DOLLY" "$@"; }   # the token in the environment only
NOGRANT_SAYS="Refused: to list clones you need a grant (at least role viewer on a template); no grant names Slack user U0NOGRANT. Ask a Dolly admin to add one under \`grants:\`."
check "a token of a user without a grant: HTTP 403 naming the grant to ask for" answers 403 "$NOGRANT_SAYS" E2E_NOGRANT GET /api/v1/clones
check "… and the CLI says so and exits 3" says 3 "$NOGRANT_SAYS" as_nogrant list
NOGRANT_CREATE="Refused: to create clones of template 'shop' you need the grant role developer on template 'shop'; Slack user U0NOGRANT has no grant on it. Ask a Dolly admin to add it under \`grants:\`."
check "… POST /api/v1/clones with it: HTTP 403 naming the role and template" \
  answers 403 "$NOGRANT_CREATE" E2E_NOGRANT POST /api/v1/clones "{\"template\":\"shop\",\"name\":\"$CLI_CLONE-nogrant\"}"
check "… dolly create shop with it says so and exits 3" says 3 "$NOGRANT_CREATE" as_nogrant create shop --name "$CLI_CLONE-nogrant"
check "… and nothing was created" clone_gone "$CLI_CLONE-nogrant"
unset DOLLY_CONFIG_DIR E2E_TOKEN E2E_SHORT E2E_NOGRANT

echo
if [ "$FAILED" = 0 ]; then printf '\e[32mclients end-to-end: %d passed\e[0m\n' "$PASSED"
else printf '\e[31mclients end-to-end: %d passed, %d FAILED\e[0m (logs were in %s)\n' "$PASSED" "$FAILED" "$WORK"; exit 1; fi
