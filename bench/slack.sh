#!/usr/bin/env bash
# ./dolly bench slack — how fast the Slack front acks slash commands under concurrency.
#
# Serves SlackFront over local HTTP and fires rounds of 20 concurrent signed slash commands at it
# (signature check, parsing and hand-off included), with a loopback stand-in for Slack's Web API and
# response URLs. Prints a table and writes target/bench/slack.json:
#   slack_ack           request sent → ack received            (target: p99 ≤ 0.3 s)
#   slack_response_url  request sent → deferred answer posted to response_url (in-memory command port)
# Knobs: SLACK_BENCH_ROUNDS (default 25), SLACK_BENCH_CONCURRENCY (default 20).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_CLASS=slack-app/target/test-classes/dev/dolly/slack/SlackAckBench.class
CP_FILE=slack-app/target/bench-classpath.txt
if [ ! -f "$BENCH_CLASS" ] || [ ! -f "$CP_FILE" ] \
   || [ -n "$(find slack-app/src slack-app/pom.xml functions/api/src -newer "$BENCH_CLASS" -print -quit 2>/dev/null)" ]; then
  echo "▸ building slack-app" >&2
  mvn -B -ntp -q -pl slack-app -am install -DskipTests
  mvn -B -ntp -q -pl slack-app dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi

mkdir -p target/bench
java -Dfile.encoding=UTF-8 -Xmx512m \
  -cp "slack-app/target/test-classes:slack-app/target/classes:$(cat "$CP_FILE")" \
  dev.dolly.slack.SlackAckBench --out target/bench/slack.json \
  --rounds "${SLACK_BENCH_ROUNDS:-25}" --concurrency "${SLACK_BENCH_CONCURRENCY:-20}"
