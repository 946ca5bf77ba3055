# The benchmark mains live in the test sources of the module they measure (CloneBench, RefreshBench
# in host-agent/agent, SlackAckBench in slack-app), so no production jar carries them. Sourced by
# bench/*.sh.
#
# bench_classpath ROOT MODULE MARKER: when MARKER (a compiled bench class) or the classpath file is missing, or
# the classpath file is older than a source file or pom of the checkout, compiles MODULE with its tests and the reactor modules it depends on (a
# reactor build: nothing is installed into ~/.m2); then prints the classpath to run the benchmark
# with (test classes, classes, test-scope dependencies; reactor modules as their target/classes).
# With BENCH_RUN_DIR set, the class directories are copied there first, so a build of the checkout
# cannot swap classes under a running benchmark.
bench_classpath() {
  local root=$1 module=$2 marker=$3
  local cp_file="$root/$module/target/bench-classpath.txt"
  if [ ! -f "$root/$marker" ] || [ ! -f "$cp_file" ] \
      || [ -n "$(cd "$root" && find . \( -name target -o -name .dolly -o -name .git -o -name node_modules -o -name cdk.out \) -prune \
                 -o \( -path '*/src/*' -o -name pom.xml \) -type f -newer "$cp_file" -print -quit)" ]; then
    echo "▸ building $module and its benchmarks" >&2
    (cd "$root" && mvn -B -ntp -q -pl "$module" -am test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt) >&2
    # up to date, even where nothing of this module changed. The classpath file is the stamp: a build run outside
    # the bench compiles newer classes but leaves an older classpath (a dependency added since) behind
    touch "$root/$marker" "$cp_file"
  fi
  local entries=("$root/$module/target/test-classes" "$root/$module/target/classes") e out=() i=0
  IFS=: read -r -a deps <"$cp_file"
  entries+=("${deps[@]}")
  for e in "${entries[@]}"; do
    if [ -d "$e" ] && [ -n "${BENCH_RUN_DIR:-}" ]; then
      i=$((i + 1)); mkdir -p "$BENCH_RUN_DIR/$i"; cp -R "$e/." "$BENCH_RUN_DIR/$i/"; e="$BENCH_RUN_DIR/$i"
    fi
    out+=("$e")
  done
  (IFS=:; printf '%s' "${out[*]}")
}
