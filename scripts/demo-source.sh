#!/usr/bin/env bash
# The demo source: a PostgreSQL server playing "production" for the local stack, loaded once
# with scripts/demo/shop.sql (about 1.3 million rows of realistic personal data).
# DOLLY_DEMO_POSTGRES picks its major (default 15): 15 runs from the host's packages; any other
# major runs as a container (dolly-demo-source-pg<major>) of that major's clone image
# dolly/postgres:<major> (`./dolly setup` builds it), so no host packages of another suite are needed.
#
#   scripts/demo-source.sh start   initdb (once), start, load (once); prints the libpq URL
#   scripts/demo-source.sh system-identifier
#   scripts/demo-source.sh port    the port it listens on
#
# Port: DOLLY_DEMO_SOURCE_PORT (default 5499 for 15, 5500 + major otherwise: 5517, 5518). Data and
# server log: /var/lib/dolly/demo-source (15) or /var/lib/dolly/demo-source-pg<major> (one per
# machine, like the pool). The read-only role dolly_reader gets a random password, kept (0600) in
# /var/lib/dolly/secrets/demo-source-password.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/state.sh
. "$ROOT/scripts/lib/state.sh"
PG="${DOLLY_DEMO_POSTGRES:-15}"
case "$PG" in 1[2-8]) ;; *) echo "DOLLY_DEMO_POSTGRES=$PG: a PostgreSQL major from 12 to 18" >&2; exit 2 ;; esac
SECRET="$SECRETS/demo-source-password"
if [ "$PG" = 15 ]; then
  DIR="$DEMO_SOURCE_DIR"
  PORT="${DOLLY_DEMO_SOURCE_PORT:-5499}"
  BIN=/usr/lib/postgresql/15/bin
  as_pg() { runuser -u postgres -- "$@"; }
else
  DIR="$DEMO_SOURCE_DIR-pg$PG"
  PORT="${DOLLY_DEMO_SOURCE_PORT:-$((5500 + PG))}"
  BIN=/usr/lib/postgresql/$PG/bin
  CONTAINER="dolly-demo-source-pg$PG"
  # the same commands, inside the source's container (as postgres, uid 999 like the image's)
  as_pg() { docker exec -i -u postgres "$CONTAINER" "$@"; }
fi

password() {
  mkdir -p "$SECRETS"; chmod 700 "$SECRETS"
  [ -s "$SECRET" ] || (umask 077; openssl rand -hex 16 >"$SECRET")
  cat "$SECRET"
}

start_container() {
  mkdir -p "$DIR" "$LOGS"
  chown 999:999 "$DIR"; chmod 700 "$DIR"
  if ! docker inspect "$CONTAINER" >/dev/null 2>&1; then
    docker run -d --name "$CONTAINER" --user postgres --stop-signal SIGINT --label dolly.demo-source="$PG" \
      -p "127.0.0.1:$PORT:5432" -v "$DIR:/var/lib/dolly-source" "dolly/postgres:$PG" \
      sh -c 'D=/var/lib/dolly-source/data
        [ -f "$D/PG_VERSION" ] || { initdb -D "$D" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
          && echo "host all all 0.0.0.0/0 scram-sha-256" >> "$D/pg_hba.conf"; }
        exec postgres -D "$D" -c "listen_addresses=*" -c unix_socket_directories=/tmp' >&2
  elif [ "$(docker inspect -f '{{.State.Running}}' "$CONTAINER")" != true ]; then
    docker start "$CONTAINER" >&2
  fi
  for _ in $(seq 1 120); do
    as_pg "$BIN/pg_isready" -q -h /tmp -p 5432 && return 0
    sleep 0.5
  done
  docker logs --tail 20 "$CONTAINER" >&2
  return 1
}

start() {
  if [ "$PG" != 15 ]; then
    start_container
    load "$BIN/psql" -h /tmp -p 5432 -U postgres -v ON_ERROR_STOP=1 -q
    return
  fi
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
  load "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q
}

# load shop.sql once and (re)set dolly_reader's password; $@: the psql command reaching the server as postgres
load() {
  local psql=("$@")
  if ! as_pg "${psql[@]}" -d shop -tAc "select 1 from pg_tables where tablename = 'payments'" 2>/dev/null | grep -q 1; then
    as_pg "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS shop" -c "CREATE DATABASE shop" >&2
    as_pg "${psql[@]}" -d shop --single-transaction <"$ROOT/scripts/demo/shop.sql" >&2
  fi
  local pw; pw=$(password)
  # the password travels on stdin, never in argv
  printf "SELECT 'CREATE ROLE dolly_reader LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dolly_reader')\\\\gexec\n\\\\set pw '%s'\nALTER ROLE dolly_reader PASSWORD :'pw';\nGRANT pg_read_all_data TO dolly_reader;\nALTER ROLE dolly_reader SET default_transaction_read_only = on;\n" "$pw" \
    | as_pg "${psql[@]}" -d shop >&2
  echo "postgresql://dolly_reader:$pw@127.0.0.1:$PORT/shop"
}

system_identifier() {
  local host="$DIR" port="$PORT"
  [ "$PG" = 15 ] || { host=/tmp; port=5432; }
  as_pg "$BIN/psql" -h "$host" -p "$port" -U postgres -d postgres -tAc "select system_identifier from pg_control_system()"
}

case "${1:-}" in
  start) start ;;
  system-identifier) system_identifier ;;
  port) echo "$PORT" ;;
  *) echo "usage: $0 start|system-identifier|port" >&2; exit 2 ;;
esac
