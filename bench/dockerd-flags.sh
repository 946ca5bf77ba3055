#!/usr/bin/env bash
# bench/dockerd-flags.sh — what dockerd's own settings change in a clone's container start (issue 19 item 4),
# measured on a private dockerd so the shared one is never restarted.
#
#   bench/dockerd-flags.sh start "<dockerd flags>"   start the private dockerd (own network namespace, data-root,
#                                                     exec-root, socket, pidfile, cgroup parent) with those flags
#   bench/dockerd-flags.sh load <image>              copy an image from the shared dockerd into it
#   bench/dockerd-flags.sh measure <image> [n]       n (20) rounds of: a trivial run as a clone is run (create + start
#                                                     + wait, published port, bridge without inter-container traffic,
#                                                     init, limits, read-only root) and a PostgreSQL start (create +
#                                                     start + first answer on the published port); prints p50/p95
#   bench/dockerd-flags.sh stop                      stop it (by its pid)
#   bench/dockerd-flags.sh clean                     stop it, remove its data-root and network namespace
#
# The private dockerd runs in network namespace dolly-bench: its bridges and iptables rules never meet the host's.
# Run `measure` under `flock /tmp/dolly-it.lock` (it runs containers); never `start` under it.
set -euo pipefail
NS=dolly-bench
DATA=/var/lib/dolly-bench-docker
EXEC=/run/dolly-bench-docker-exec
SOCK=/run/dolly-bench-docker.sock
PIDFILE=/run/dolly-bench-docker.pid
LOG=/var/log/dolly-bench-dockerd.log
NET=benchnet

api() { curl -sS --fail-with-body --unix-socket "$SOCK" -H 'Content-Type: application/json' "$@"; }
ms() { date +%s%3N; }
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {r=int((p/100)*NR + 0.999); if (r < 1) r = 1; print a[r]}'; }

start() {
  local flags=$1
  ip netns list | grep -qw "$NS" || { ip netns add "$NS"; ip netns exec "$NS" ip link set lo up; }
  mkdir -p "$DATA" "$EXEC"
  # shellcheck disable=SC2086 # the flags are words
  # nsenter, not `ip netns exec`: that one mounts a new /sys, hiding the cgroup hierarchies dockerd needs
  nsenter --net="/run/netns/$NS" setsid dockerd --data-root "$DATA" --exec-root "$EXEC" -H "unix://$SOCK" --pidfile "$PIDFILE" \
    --bridge none --cgroup-parent /dolly-bench $flags </dev/null >>"$LOG" 2>&1 &
  for _ in $(seq 1 150); do
    api http://d/_ping >/dev/null 2>&1 && { echo "private dockerd up (pid $(cat "$PIDFILE"), flags: ${flags:-none})"; return; }
    sleep 0.2
  done
  echo "private dockerd did not answer; see $LOG" >&2; return 1
}

stop() {
  [ -f "$PIDFILE" ] || return 0
  local pid; pid=$(cat "$PIDFILE")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || { echo "stopped $pid"; return; }; sleep 0.2; done
  echo "dockerd $pid did not stop" >&2; return 1
}

network() {
  api "http://d/v1.41/networks/$NET" >/dev/null 2>&1 && return
  api -X POST http://d/v1.41/networks/create -d '{"Name":"'$NET'","Driver":"bridge","IPAM":{"Config":[{"Subnet":"10.231.7.0/24"}]},
    "Options":{"com.docker.network.bridge.enable_icc":"false","com.docker.network.bridge.name":"'$NET'0"}}' >/dev/null
}

# container JSON as CloneContainers makes it: $1 image, $2 command (JSON array), $3 binds (JSON array)
spec() {
  cat <<EOF
{"Image":"$1","Cmd":$2,"User":"postgres","Labels":{"dolly.bench":"1"},"ExposedPorts":{"5432/tcp":{}},"StopSignal":"SIGINT",
 "HostConfig":{"Binds":$3,"PortBindings":{"5432/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]},"NetworkMode":"$NET",
   "Init":true,"Memory":268435456,"MemorySwap":268435456,"ShmSize":67108864,"CapDrop":["ALL"],
   "SecurityOpt":["no-new-privileges:true"],"PidsLimit":200,"ReadonlyRootfs":true,
   "Tmpfs":{"/tmp":"rw,nosuid,nodev,noexec,size=64m,mode=1777","/run/postgresql":"rw,nosuid,nodev,noexec,size=1m,mode=1777"},
   "LogConfig":{"Type":"json-file","Config":{"max-size":"10m","max-file":"2"}}}}
EOF
}

id_of() { sed -n 's/.*"Id":"\([0-9a-f]*\)".*/\1/p'; }

trivial() {
  local image=$1 t0 id
  t0=$(ms)
  id=$(api -X POST http://d/v1.41/containers/create -d "$(spec "$image" '["true"]' '[]')" | id_of)
  api -X POST "http://d/v1.41/containers/$id/start" >/dev/null
  api -X POST "http://d/v1.41/containers/$id/wait" >/dev/null
  echo $(( $(ms) - t0 ))
  api -X DELETE "http://d/v1.41/containers/$id?force=1" >/dev/null
}

# a data directory made once by the image's initdb; each round starts on a fresh copy of it
pgdata() {
  local image=$1
  [ -f "$DATA/bench-pgdata/PG_VERSION" ] && return
  mkdir -p "$DATA/bench-pgdata"
  local uid; uid=$(docker -H "unix://$SOCK" run --rm --network none --entrypoint id "$image" -u postgres)
  chown "$uid" "$DATA/bench-pgdata"
  local id
  id=$(api -X POST http://d/v1.41/containers/create -d "{\"Image\":\"$image\",\"User\":\"postgres\",\"Cmd\":[\"initdb\",\"-D\",\"/pgdata\",\"-A\",\"trust\"],
    \"HostConfig\":{\"Binds\":[\"$DATA/bench-pgdata:/pgdata\"],\"NetworkMode\":\"none\"}}" | id_of)
  api -X POST "http://d/v1.41/containers/$id/start" >/dev/null
  api -X POST "http://d/v1.41/containers/$id/wait" >/dev/null
  api -X DELETE "http://d/v1.41/containers/$id?force=1" >/dev/null
}

pgstart() {
  local image=$1 i=$2 dir="$DATA/round-$2" t0 id port
  rm -rf "$dir"; cp -a "$DATA/bench-pgdata" "$dir"
  t0=$(ms)
  id=$(api -X POST http://d/v1.41/containers/create -d "$(spec "$image" \
    '["postgres","-D","/pgdata","-c","listen_addresses=*","-c","unix_socket_directories=/tmp"]' "[\"$dir:/pgdata\"]")" | id_of)
  api -X POST "http://d/v1.41/containers/$id/start" >/dev/null
  port=$(api "http://d/v1.41/containers/$id/json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["NetworkSettings"]["Ports"]["5432/tcp"][0]["HostPort"])')
  until nsenter --net="/run/netns/$NS" /usr/lib/postgresql/15/bin/pg_isready -q -h 127.0.0.1 -p "$port" -t 1; do sleep 0.005; done
  echo $(( $(ms) - t0 ))
  api -X DELETE "http://d/v1.41/containers/$id?force=1" >/dev/null
  rm -rf "$dir"
}

measure() {
  local image=$1 n=${2:-20} triv=() pg=() i
  network
  pgdata "$image"
  trivial "$image" >/dev/null; pgstart "$image" 0 >/dev/null   # warm-up, not counted
  for i in $(seq 1 "$n"); do
    triv+=("$(trivial "$image")")
    pg+=("$(pgstart "$image" "$i")")
  done
  printf 'docker_run_trivial  n=%d p50 %s ms p95 %s ms\n' "$n" "$(printf '%s\n' "${triv[@]}" | pct 50)" "$(printf '%s\n' "${triv[@]}" | pct 95)"
  printf 'pg_container_ready  n=%d p50 %s ms p95 %s ms\n' "$n" "$(printf '%s\n' "${pg[@]}" | pct 50)" "$(printf '%s\n' "${pg[@]}" | pct 95)"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  load) docker save "$2" | docker -H "unix://$SOCK" load ;;
  measure) measure "$2" "${3:-20}" ;;
  stop) stop ;;
  clean) stop; rm -rf "$DATA" "$EXEC"; ip netns del "$NS" 2>/dev/null || true ;;
  *) sed -n '2,18p' "$0"; exit 2 ;;
esac
