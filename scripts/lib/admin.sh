# Calls to the local server's admin-only routes (GET /slack-api/recorded, POST /scheduledRefresh, POST /reaper);
# sourced by scripts/refresh.sh, scripts/e2e.sh and scripts/lib/slack.sh. Needs SECRETS (scripts/lib/state.sh):
# the admin secret is $SECRETS/admin-secret (scripts/up.sh generates it) and reaches curl as a header file on a
# descriptor, never in argv.
admin_curl() {
  local secret
  secret=$(cat "$SECRETS/admin-secret") || { echo "the local admin secret $SECRETS/admin-secret is missing: run ./dolly up" >&2; return 1; }
  curl -H @<(printf 'Authorization: Bearer %s\n' "$secret") "$@"
}
