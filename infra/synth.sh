#!/usr/bin/env bash
# Synthesizes Dolly's AWS CDK app offline (no AWS account, credentials or network lookups) into
# infra/cdk.out. Called by `./dolly synth`; also the "app" command of infra/cdk.json, so the CDK
# CLI (`cdk synth|diff|deploy` in infra/) runs the same thing.
#
#   infra/synth.sh [--build] [-c key=value]...
#
#   --build        build the jars the stack deploys (functions/app, host-agent/agent) even when they
#                  look up to date (without it they are built when missing or older than a source)
#   -c key=value   context, over infra/cdk.json's "context" and infra/cdk.context.json
#                  (keys: infra/README.md), e.g. -c region=eu-west-1 -c 'templates=shop=cron(0 3 * * ? *)'
#
# Needs java 17+, mvn and node. Context and output come from the CDK CLI when it runs this
# script (CDK_CONTEXT_JSON and CDK_OUTDIR set); otherwise from the files above and -c.
set -euo pipefail

INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$INFRA")
die() { printf 'dolly synth: %s\n' "$*" >&2; exit 1; }

build=false
context=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=true ;;
    -c|--context) [ $# -ge 2 ] || die "$1 needs key=value"; context+=("$2"); shift ;;
    -c=*|--context=*) context+=("${1#*=}") ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see infra/synth.sh --help)" ;;
  esac
  shift
done

command -v node >/dev/null || die "node is missing: the CDK's jsii runtime needs it (apt-get install nodejs)"
command -v mvn >/dev/null || die "mvn is missing"
command -v java >/dev/null || die "java is missing"

mkdir -p "$INFRA/target"
MVN_LOG="$INFRA/target/synth-mvn.log"
mvn_quiet() {   # maven's output only when it fails
  mvn -q -B -ntp -Dstyle.color=never -f "$ROOT/pom.xml" "$@" >"$MVN_LOG" 2>&1 \
    || { cat "$MVN_LOG" >&2; die "maven failed (mvn $*); log: $MVN_LOG"; }
}
# The jars the stack deploys, at their default locations: built (a reactor `mvn package`; nothing is
# installed into ~/.m2) when missing or older than a source file or pom outside infra/, so a fresh
# checkout synthesizes. Jars given by context (functionsJar, agentJar) are the caller's to build.
JARS=("$ROOT/functions/app/target/dolly-functions-aws.jar" "$ROOT/host-agent/agent/target/dolly-host-agent.jar")
jars_stale() {
  local j
  for j in "${JARS[@]}"; do
    [ -f "$j" ] || return 0
    [ -z "$(find "$ROOT" \( -path "$INFRA" -o -name target -o -name node_modules -o -name .dolly -o -name .git \) -prune \
             -o \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$j" -print -quit)" ] || return 0
  done
  return 1
}
if $build || jars_stale; then
  echo "▸ building the functions' and the host agent's jars" >&2
  mvn_quiet -pl functions/app,host-agent/agent -am package -DskipTests
fi

# Compile the CDK app and write its classpath (reactor modules resolve to their target/classes).
mvn_quiet -pl infra -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/synth.classpath -Dmdep.includeScope=runtime
CLASSPATH_FILE="$INFRA/target/synth.classpath"
[ -s "$CLASSPATH_FILE" ] || die "maven did not write $CLASSPATH_FILE"

if [ -z "${CDK_OUTDIR:-}" ]; then
  # standalone: context from cdk.json, cdk.context.json and -c; output into infra/cdk.out
  export CDK_OUTDIR="$INFRA/cdk.out"
  rm -rf "$CDK_OUTDIR"
  CDK_CONTEXT_JSON=$(node - "$INFRA" ${context[@]+"${context[@]}"} <<'JS'
const fs = require('fs'), path = require('path');
const [dir, ...pairs] = process.argv.slice(2);
const read = f => {
  const p = path.join(dir, f);
  return fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, 'utf8')) : null;
};
const ctx = Object.assign({}, (read('cdk.json') || {}).context || {}, read('cdk.context.json') || {});
for (const kv of pairs) {
  const i = kv.indexOf('=');
  if (i < 1) { console.error(`dolly synth: -c expects key=value, got '${kv}'`); process.exit(2); }
  ctx[kv.slice(0, i)] = kv.slice(i + 1);
}
process.stdout.write(JSON.stringify(ctx));
JS
)
  export CDK_CONTEXT_JSON
elif [ ${#context[@]} -gt 0 ]; then
  die "-c is for standalone runs; under the CDK CLI pass context to the CLI (cdk synth -c key=value)"
fi

mkdir -p "$INFRA/target/tmp"
export JSII_RUNTIME_PACKAGE_CACHE_ROOT="$INFRA/target/jsii-cache"
# jsii prints a 15-line banner on node versions past its support window (node 20 here); synthesis
# works regardless, so keep the output readable (infra/README.md notes the node version)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="$(node -p 'process.versions.node.split(".")[0]')"
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
cd "$INFRA"   # relative jar paths (context functionsJar, agentJar, hostConfig) resolve against infra/
java -Djava.io.tmpdir="$INFRA/target/tmp" \
  -cp "$INFRA/target/classes:$(cat "$CLASSPATH_FILE")" dev.dolly.infra.DollyApp

node - "$CDK_OUTDIR" <<'JS' >&2
const fs = require('fs'), path = require('path');
const out = process.argv[2];
// the CDK CLI prints the construct annotations; a plain synth has to do it itself
for (const f of fs.readdirSync(out).filter(f => f.endsWith('.metadata.json'))) {
  for (const [where, entries] of Object.entries(JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')))) {
    for (const e of entries.filter(e => e.type === 'aws:cdk:warning' || e.type === 'aws:cdk:error')) {
      console.error(`${e.type === 'aws:cdk:error' ? 'error' : 'warning'}: ${where}: ${e.data}`);
    }
  }
}
for (const f of fs.readdirSync(out).filter(f => f.endsWith('.template.json'))) {
  const t = JSON.parse(fs.readFileSync(path.join(out, f), 'utf8'));
  console.error(`synthesized ${path.join(out, f)}: ${Object.keys(t.Resources || {}).length} resources, ` +
    `${Object.keys(t.Outputs || {}).length} outputs`);
}
JS
