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

# shellcheck source=scripts/lib/bench.sh
. "$ROOT/scripts/lib/bench.sh"
CP=$(bench_classpath "$ROOT" slack-app slack-app/target/test-classes/dev/dolly/slack/SlackAckBench.class)

mkdir -p target/bench
java -Dfile.encoding=UTF-8 -Xmx512m \
  -cp "$CP" \
  dev.dolly.slack.SlackAckBench --out target/bench/slack.json \
  --rounds "${SLACK_BENCH_ROUNDS:-25}" --concurrency "${SLACK_BENCH_CONCURRENCY:-20}"
