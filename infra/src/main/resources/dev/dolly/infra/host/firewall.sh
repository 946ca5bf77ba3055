#!/bin/bash
# Dolly clone isolation on a host: the docker network every clone and build server joins, and the
# host firewall rules for its bridge. Used by `./dolly setup` (locally) and by the host bootstrap
# (as /usr/local/lib/dolly/firewall, run by dolly-firewall.service at every boot). Idempotent.
#   firewall apply   create the network if missing, (re)install the rules
#   firewall check   exit 1 naming what is missing
# Containers on the bridge reach nothing: not the host (any port on any of its addresses, e.g. the
# agent on 0.0.0.0), not each other (inter-container traffic off, and dropped again here), not other
# networks, not the cloud metadata address. Replies on connections made TO them (their published
# port) still flow. The metadata address is dropped for every docker bridge.
set -euo pipefail
NETWORK=${DOLLY_NETWORK:-dolly}
BRIDGE=${DOLLY_BRIDGE:-${NETWORK}0}
METADATA=169.254.169.254/32

ensure_network() {
  docker network inspect "$NETWORK" >/dev/null 2>&1 && return 0
  docker network create --driver bridge \
    --opt com.docker.network.bridge.enable_icc=false \
    --opt "com.docker.network.bridge.name=$BRIDGE" \
    --label dolly.network=isolated "$NETWORK" >/dev/null
}

# chain <name> <rule…>: (re)creates chain <name> holding exactly these rules, one per argument
chain() {
  local name=$1; shift
  iptables -w -N "$name" 2>/dev/null || true
  iptables -w -F "$name"
  local r
  for r in "$@"; do
    # shellcheck disable=SC2086
    iptables -w -A "$name" $r
  done
}

# jump <chain> <rule…>: the rule is the first of <chain>, once
first() {
  local c=$1; shift
  iptables -w -C "$c" "$@" 2>/dev/null || iptables -w -I "$c" 1 "$@"
}

apply() {
  ensure_network
  iptables -w -N DOCKER-USER 2>/dev/null || true
  chain DOLLY-ISOLATE \
    "-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN" \
    "-j DROP"
  first INPUT -i "$BRIDGE" -j DOLLY-ISOLATE
  first DOCKER-USER -i "$BRIDGE" -j DOLLY-ISOLATE
  first DOCKER-USER -d "$METADATA" -j DROP
}

check() {
  local missing=()
  docker network inspect "$NETWORK" >/dev/null 2>&1 || missing+=("docker network $NETWORK")
  [ "$(docker network inspect -f '{{index .Options "com.docker.network.bridge.enable_icc"}}' "$NETWORK" 2>/dev/null)" = false ] \
    || missing+=("inter-container traffic off on $NETWORK")
  iptables -w -C DOLLY-ISOLATE -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN 2>/dev/null || missing+=("DOLLY-ISOLATE replies rule")
  iptables -w -C DOLLY-ISOLATE -j DROP 2>/dev/null || missing+=("DOLLY-ISOLATE drop rule")
  iptables -w -C INPUT -i "$BRIDGE" -j DOLLY-ISOLATE 2>/dev/null || missing+=("INPUT -i $BRIDGE")
  iptables -w -C DOCKER-USER -i "$BRIDGE" -j DOLLY-ISOLATE 2>/dev/null || missing+=("DOCKER-USER -i $BRIDGE")
  iptables -w -C DOCKER-USER -d "$METADATA" -j DROP 2>/dev/null || missing+=("DOCKER-USER -d $METADATA")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "clone isolation incomplete: ${missing[*]}" >&2
    return 1
  fi
  echo "clone isolation in place: network $NETWORK (bridge $BRIDGE, icc off), INPUT and DOCKER-USER rules, metadata dropped"
}

case "${1:-apply}" in
  apply) apply; check ;;
  check) check ;;
  *) echo "usage: firewall apply|check" >&2; exit 2 ;;
esac
