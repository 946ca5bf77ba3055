# Signed calls to the host agent from bash (sourced by scripts/up.sh and scripts/e2e.sh).
# agent_call METHOD PATH [BODY]: prints the JSON answer; fails on a non-2xx status.
# Needs DOLLY_AGENT_URL and DOLLY_AGENT_SECRET; DOLLY_AGENT_NAME is the agent's name (agent.name, default
# `local` as in config/dolly.yaml). Signature: hex HMAC-SHA256 over "METHOD\nHOST\nPATH\nTIMESTAMP\nNONCE\nBODY"
# (see dev.dolly.agent.api.RequestSigning); the host goes along as X-Dolly-Host.
agent_call() {
  local method=$1 path=$2 body=${3:-} host=${DOLLY_AGENT_NAME:-local} ts nonce sig
  ts=$(date +%s)
  nonce=$(openssl rand -hex 16)
  sig=$(printf '%s\n%s\n%s\n%s\n%s\n%s' "$method" "$host" "$path" "$ts" "$nonce" "$body" \
    | openssl dgst -sha256 -mac HMAC -macopt "key:$DOLLY_AGENT_SECRET" -r | cut -d' ' -f1)
  curl -sS --fail-with-body -X "$method" "$DOLLY_AGENT_URL$path" \
    -H "X-Dolly-Timestamp: $ts" -H "X-Dolly-Nonce: $nonce" -H "X-Dolly-Host: $host" -H "X-Dolly-Signature: $sig" \
    -H 'Content-Type: application/json' ${body:+--data-binary "$body"}
}
