#!/usr/bin/env bash
# The demo source: a host PostgreSQL 15 server playing "production" for the local stack,
# loaded once with scripts/demo/shop.sql (about 1.3 million rows of realistic personal data).
#
#   scripts/demo-source.sh start   initdb (once), start, load (once); prints the libpq URL
#   scripts/demo-source.sh system-identifier
#
# Port: DOLLY_DEMO_SOURCE_PORT (default 5499). Data and server log: /var/lib/dolly/demo-source (one per
# machine, like the pool). The read-only role dolly_reader gets a random password, kept (0600) in
# /var/lib/dolly/secrets/demo-source-password.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/state.sh
. "$ROOT/scripts/lib/state.sh"
DIR="$DEMO_SOURCE_DIR"
PORT="${DOLLY_DEMO_SOURCE_PORT:-5499}"
BIN=/usr/lib/postgresql/15/bin
SECRET="$SECRETS/demo-source-password"
as_pg() { runuser -u postgres -- "$@"; }

password() {
  mkdir -p "$SECRETS"; chmod 700 "$SECRETS"
  [ -s "$SECRET" ] || (umask 077; openssl rand -hex 16 >"$SECRET")
  cat "$SECRET"
}

start() {
  mkdir -p "$DIR" "$LOGS" "$PIDS"
  chown postgres:postgres "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
  fi
  if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -w -t 60 -l "$DIR/server.log" \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR" start >&2
  fi
  head -1 "$DIR/data/postmaster.pid" >"$PIDS/demo-source.pid"
  local psql=("$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q)
  if ! as_pg "${psql[@]}" -d shop -tAc "select 1 from pg_tables where tablename = 'payments'" 2>/dev/null | grep -q 1; then
    as_pg "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS shop" -c "CREATE DATABASE shop" >&2
    as_pg "${psql[@]}" -d shop --single-transaction -f "$ROOT/scripts/demo/shop.sql" >&2
  fi
  local pw; pw=$(password)
  # the password travels on stdin, never in argv
  printf "SELECT 'CREATE ROLE dolly_reader LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dolly_reader')\\\\gexec\n\\\\set pw '%s'\nALTER ROLE dolly_reader PASSWORD :'pw';\nGRANT pg_read_all_data TO dolly_reader;\nALTER ROLE dolly_reader SET default_transaction_read_only = on;\n" "$pw" \
    | as_pg "${psql[@]}" -d shop >&2
  echo "postgresql://dolly_reader:$pw@127.0.0.1:$PORT/shop"
}

system_identifier() {
  as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -tAc "select system_identifier from pg_control_system()"
}

case "${1:-}" in
  start) start ;;
  system-identifier) system_identifier ;;
  *) echo "usage: $0 start|system-identifier" >&2; exit 2 ;;
esac
