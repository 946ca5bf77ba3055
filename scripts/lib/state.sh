# Where the local stack keeps things (sourced by the scripts; ROOT must be set).
# Per checkout: logs, pids, the rendered config, DynamoDB Local's file.
# Per machine (beside the pool's backing file, because what is in the pool depends on them):
# the generated local secrets — the agent's key derives the password of its role in every
# template snapshot — and the demo source, whose data the snapshots were refreshed from.
STATE="$ROOT/.dolly"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
MACHINE="${DOLLY_POOL_DIR:-/var/lib/dolly}"
SECRETS="$MACHINE/secrets"
DEMO_SOURCE_DIR="$MACHINE/demo-source"
