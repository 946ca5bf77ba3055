#!/usr/bin/env bash
# bench/spikes/reset-swap.sh — a spike for issue 19's reset target, NOT product code and not run by any test or bench.
#
# Question: can a reset to @created swap in a standby server behind the clone's published port?
# Clone container C publishes 127.0.0.1:$PORT -> 5432 and runs PostgreSQL on dataset A; standby container S shares C's
# network namespace, runs PostgreSQL on dataset B (a zfs clone of A@created) on port 5433. Swap: a
# REDIRECT 5432 -> 5433 in C's namespace (nsenter + iptables, argv only), then kill C's server. Measures swap -> first query on the published port.
#
#   SRC=<pool>/<dataset>@<snap> PGUSER=postgres PGDATABASE=postgres bench/spikes/reset-swap.sh
# SRC: a snapshot of a cleanly shut down data directory (mode 0700, owned by 999) whose pg_hba lets PGUSER in over TCP.
# Seen here (2026-12-03, 2 cores): redirect 4-8 ms, kill 88-97 ms (docker exec; a signal is ~20 ms), first query on the
# published port 87-93 ms of which ~57 ms is psql's own start: the standby answers, the old server's data is gone.
set -euo pipefail
IMG=dolly/postgres:15
PORT=${PORT:-21990}
SRC=${SRC:?a zfs snapshot holding a cleanly shut down PostgreSQL data directory}
A=${POOL:-dolly}/swapexp-a; B=${POOL:-dolly}/swapexp-b
cleanup() { docker rm -f swapexp-s swapexp-c >/dev/null 2>&1 || true; sleep 1; zfs destroy -R $A >/dev/null 2>&1 || true; zfs destroy -r $B >/dev/null 2>&1 || true; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
cleanup
zfs clone -o mountpoint=/var/lib/swapexp-a "$SRC" $A
zfs snapshot $A@created
zfs clone -o mountpoint=/var/lib/swapexp-b $A@created $B
common=(--user 999:999 --init --cpus 1 -m 256m)
# C's main process outlives its server (as the agent's supervisor does): the network namespace stays
docker run -d --name swapexp-c "${common[@]}" -p 127.0.0.1:$PORT:5432 -v /var/lib/swapexp-a:/pgdata $IMG \
  sh -c 'postgres -D /pgdata -c listen_addresses="*" -c port=5432 -c unix_socket_directories=/tmp & while :; do sleep 1; done' >/dev/null
docker run -d --name swapexp-s "${common[@]}" --network container:swapexp-c -v /var/lib/swapexp-b:/pgdata $IMG \
  postgres -D /pgdata -c listen_addresses='*' -c port=5433 -c unix_socket_directories=/tmp >/dev/null
q() { PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p $PORT -U "$PGUSER" -d "$PGDATABASE" -Atc "$1" 2>/dev/null; }
until q 'select 1' >/dev/null; do sleep 0.05; done
q "create table swapexp_marker(x int)" >/dev/null
pid=$(docker inspect -f '{{.State.Pid}}' swapexp-c)
sleep 2
t0=$(date +%s%N)
nsenter --net=/proc/$pid/ns/net iptables -t nat -A PREROUTING -p tcp --dport 5432 -j REDIRECT --to-ports 5433
t1=$(date +%s%N)
docker exec swapexp-c sh -c 'kill -KILL $(head -1 /pgdata/postmaster.pid)' || true
t2=$(date +%s%N)
until r=$(q "select count(*) from pg_class where relname = 'swapexp_marker'"); do sleep 0.005; done
t3=$(date +%s%N)
echo "redirect $(( (t1-t0)/1000000 )) ms, kill $(( (t2-t1)/1000000 )) ms, first query on the published port $(( (t3-t2)/1000000 )) ms, total $(( (t3-t0)/1000000 )) ms; marker table present: $r (0 = standby's data)"
