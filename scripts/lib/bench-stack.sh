# A control plane of a benchmark's own (sourced by bench/control-plane.sh and bench/check.sh): a real host agent
# (its own dataset root <pool>/<prefix>-<random>, its own ports) and the local functions server (DynamoDB Local
# embedded), the agent signed for by name in hosts[]. Everything goes on exit: both processes (by the pids started
# here), the root's containers and datasets, the work directory.
#
#   stack_init ROOT PREFIX       sets STACK_WORK, STACK_DATASET, STACK_AGENT_PORT, STACK_FN_PORT, the agent's and the
#                                CI key's secrets (DOLLY_AGENT_SECRET, DOLLY_BENCH_CI_SECRET), installs the exit trap
#   stack_config TEMPLATE        writes $STACK_WORK/dolly.yaml: the agent `bench` on the stack's port and dataset, the
#                                rest of it from stdin (more agent settings indented by two, then templates:), and the
#                                control plane's hosts, a developer grant on TEMPLATE for the CI key `bench`, the key
#   stack_start                  starts the agent and the functions server on that config, waits for both; then
#                                DOLLY_URL, DOLLY_CI_KEY=bench and DOLLY_CI_SECRET are exported
#   stack_wait_template NAME S   waits up to S seconds for template NAME's first snapshot
#   stack_wait_for WHAT S CMD…   polls CMD up to S seconds; on time-out shows both logs and exits 1
STACK_AGENT_PID=; STACK_FN_PID=; STACK_WORK=; STACK_DATASET=

stack_cleanup() {
  set +e
  [ -n "$STACK_FN_PID" ] && kill "$STACK_FN_PID" 2>/dev/null && wait "$STACK_FN_PID" 2>/dev/null
  [ -n "$STACK_AGENT_PID" ] && kill "$STACK_AGENT_PID" 2>/dev/null && wait "$STACK_AGENT_PID" 2>/dev/null
  if [ -n "$STACK_DATASET" ]; then
    for c in $(docker ps -aq --filter "label=dolly.root=$STACK_DATASET" 2>/dev/null); do docker rm -f -v "$c" >/dev/null 2>&1; done
    for _ in $(seq 1 40); do
      zfs destroy -r "$STACK_DATASET" >/dev/null 2>&1 && break
      zfs list "$STACK_DATASET" >/dev/null 2>&1 || break
      sleep 0.25
    done
  fi
  [ -n "$STACK_WORK" ] && rm -rf "$STACK_WORK"
}

stack_free_port() { # FROM TO: the first port nobody listens on
  local p
  for p in $(seq "$1" "$2"); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "no free port in $1-$2" >&2; exit 1
}

stack_init() { # ROOT PREFIX
  local root=$1 prefix=$2
  STACK_WORK=$(mktemp -d "${TMPDIR:-/tmp}/dolly-$prefix.XXXXXX")
  STACK_DATASET="${DOLLY_POOL:-dolly}/$prefix-$(openssl rand -hex 4)"
  trap stack_cleanup EXIT
  local agent_jar="$root/host-agent/agent/target/dolly-host-agent.jar" fn_jar="$root/functions/app/target/dolly-functions.jar"
  if [ ! -f "$agent_jar" ] || [ ! -f "$fn_jar" ]; then
    echo "building the agent and the functions …" >&2
    (cd "$root" && mvn -q -pl host-agent/agent,functions/app -am package -DskipTests) >&2
  fi
  # copies: a build of the checkout cannot swap a jar under a running benchmark
  cp "$agent_jar" "$STACK_WORK/agent.jar"
  cp "$fn_jar" "$STACK_WORK/functions.jar"
  STACK_AGENT_PORT=$(stack_free_port 18700 18799)
  STACK_FN_PORT=$(stack_free_port 18800 18899)
  export DOLLY_AGENT_SECRET="bench-agent-$(openssl rand -hex 16)"
  export DOLLY_BENCH_CI_SECRET="bench-ci-$(openssl rand -hex 16)"
}

stack_wait_for() { # WHAT SECONDS COMMAND…
  local what=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timed out waiting for $what" >&2; tail -n 30 "$STACK_WORK/agent.log" "$STACK_WORK/functions.log" >&2; exit 1
}

stack_config() { # TEMPLATE < more agent settings and the templates section
  {
    cat <<YAML
agent:
  name: bench            # the name the control plane signs for (hosts[].name)
  host: localhost
  listen: 127.0.0.1:$STACK_AGENT_PORT
  pool: $STACK_DATASET
  workDir: $STACK_WORK/agent-work
YAML
    cat
    cat <<YAML
hosts:
  - { name: bench, url: "http://127.0.0.1:$STACK_AGENT_PORT" }
grants:
  - { role: developer, templates: [$1], ciKeys: [bench], maxClones: 50 }
ciKeys:
  - { id: bench, secretEnv: DOLLY_BENCH_CI_SECRET }
YAML
  } >"$STACK_WORK/dolly.yaml"
}

stack_start() {
  local config=$STACK_WORK/dolly.yaml
  zfs create -p "$STACK_DATASET"
  java -Xmx256m -jar "$STACK_WORK/agent.jar" --config "$config" >"$STACK_WORK/agent.log" 2>&1 &
  STACK_AGENT_PID=$!
  DOLLY_CONFIG="$config" DOLLY_PORT=$STACK_FN_PORT DOLLY_DYNAMODB_ENDPOINT=embedded \
    java -Xmx512m -jar "$STACK_WORK/functions.jar" >"$STACK_WORK/functions.log" 2>&1 &
  STACK_FN_PID=$!
  stack_wait_for "the agent" 90 curl -sf "http://127.0.0.1:$STACK_AGENT_PORT/v1/health"
  stack_wait_for "the functions server" 120 curl -sf "http://127.0.0.1:$STACK_FN_PORT/health"
  export DOLLY_URL="http://127.0.0.1:$STACK_FN_PORT" DOLLY_CI_KEY=bench DOLLY_CI_SECRET=$DOLLY_BENCH_CI_SECRET
}

stack_wait_template() { # NAME SECONDS
  local name=$1
  # shellcheck disable=SC2317
  _stack_template_ready() { curl -sf "http://127.0.0.1:$STACK_FN_PORT/health" | grep -q "\"$name\":{\"currentSnapshot\":\"[^\"]"; }
  stack_wait_for "the $name template's first snapshot" "$2" _stack_template_ready
}
