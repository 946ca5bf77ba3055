#!/usr/bin/env bash
# End-to-end tests of the CI clients, run by `./dolly test` after scripts/e2e.sh:
#   (d) clients/dolly-ci and clients/github-action against a fake Dolly (node --test): hostile answers,
#       retries with Retry-After, no secret in any command line, private files, eval failing on failure
#   (e) clients/github-action against the local stack, run the way the GitHub runner runs it
#   (g) clients/dolly (the CLI) with a personal token issued by a signed /dolly token: create, list, savepoint,
#       psql, reset, env, extend, password, destroy; revoked token → 401, user without a grant → 403
#   (f) clients/gitlab/dolly-clone.yml: its jobs rendered as GitLab renders them, run with bash, the dotenv
#       report read back the way GitLab reads it, psql in a later "job", reset between suites, .post destroy
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/state.sh
. "$ROOT/scripts/lib/state.sh"
[ -f "$STATE/local.env" ] || { echo "e2e-clients: .dolly/local.env is missing: run ./dolly up first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$STATE/local.env"
command -v node >/dev/null || { echo "e2e-clients: node (20+) is required" >&2; exit 1; }
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
clone_gone() {
  ! zfs list -H -o name -r "$POOL/clones" 2>/dev/null | grep -qx "$POOL/clones/$1" &&
  [ -z "$(docker ps -aq --filter "label=dolly.clone=$1")" ]
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
# a token issued through a signed /dolly token, read from the ephemeral reply (scripts/slack.sh prints it)
issue_token() { "$ROOT/scripts/slack.sh" --user "$1" token --ttl 1h 2>/dev/null | grep -o 'dolly_pat_[A-Za-z0-9_-]\{43\}' | head -n 1; }
TOKEN=$(issue_token "$DOLLY_DEMO_SLACK_USER" || true)
check "/dolly token (signed Slack request) shows a dolly_pat_ token once" [ -n "$TOKEN" ]
export DOLLY_CONFIG_DIR="$WORK/dolly-config"
export E2E_TOKEN=$TOKEN   # handed to the checks in the environment, never in a command line
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
check "a mistake answers with the usage to type instead (exit 3)" refused 3 "Did you mean create" cli crate shop
check "dolly destroy $CLI_CLONE" cli destroy "$CLI_CLONE"
check "nothing of the CLI's clone is left on the pool or in Docker" clone_gone "$CLI_CLONE"
TOKEN_ID=$(cli token list --output json | jq -r '[.tokens[] | select(.revokedAt == null)][0].id')   # the newest: ours
check "dolly token revoke <id> (the token revokes itself)" cli token revoke "$TOKEN_ID"
check "a revoked token gets 401 saying how to get a new one (exit 4)" refused 4 "/dolly token" cli list
NOGRANT=$(issue_token U0NOGRANT || true)
as_nogrant() { DOLLY_URL=$DOLLY_URL DOLLY_TOKEN=${NOGRANT:-none} "$DOLLY" "$@"; }   # the token in the environment only
check "a token of a user without a grant gets 403 naming the grant (exit 3)" refused 3 "grant" as_nogrant list
unset DOLLY_CONFIG_DIR E2E_TOKEN

echo
if [ "$FAILED" = 0 ]; then printf '\e[32mclients end-to-end: %d passed\e[0m\n' "$PASSED"
else printf '\e[31mclients end-to-end: %d passed, %d FAILED\e[0m (logs were in %s)\n' "$PASSED" "$FAILED" "$WORK"; exit 1; fi
