#!/usr/bin/env bash
# Fuzzes a running Tether through its own OpenAPI document with schemathesis (PyPI), once with the admin
# token and once with the SPI credentials. Fails on any 5xx, any response outside the document, or any
# server error schemathesis finds. Not part of `npm test` (it needs Python and takes minutes).
#
#   scripts/schemathesis.sh                 # starts `tether dev` on spare ports, fuzzes it, stops it
#   TETHER_URL=http://127.0.0.1:3000 TETHER_ADMIN_TOKEN=… TETHER_SPI_USER=… TETHER_SPI_PASSWORD=… scripts/schemathesis.sh
#
# MAX_EXAMPLES (default 60) is per operation and per credential; with ~40 operations that is several
# thousand cases. Requires `schemathesis` on PATH (`pip install schemathesis`), or SCHEMATHESIS=/path/to/st.
set -euo pipefail
cd "$(dirname "$0")/.."

st="${SCHEMATHESIS:-st}"
max_examples="${MAX_EXAMPLES:-60}"
started_pid=""

if [[ -z "${TETHER_URL:-}" ]]; then
  data_dir="$(mktemp -d)"
  export PORT="${PORT:-3917}" TEMPORAL_DEV_PORT="${TEMPORAL_DEV_PORT:-7917}" TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8917}"
  export TETHER_DATA_DIR="$data_dir" LOG_LEVEL="${LOG_LEVEL:-warn}"
  export TETHER_ADMIN_TOKEN="schemathesis-admin-token-0123456789" TETHER_SPI_USER="catalog" TETHER_SPI_PASSWORD="schemathesis-spi-password"
  npm run build >/dev/null
  node bin/tether.js dev >"$data_dir/tether.log" 2>&1 &
  started_pid=$!
  trap 'kill "$started_pid" 2>/dev/null; wait "$started_pid" 2>/dev/null || true' EXIT
  TETHER_URL="http://127.0.0.1:$PORT"
  for _ in $(seq 1 120); do
    curl -fs "$TETHER_URL/health/ready" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fs "$TETHER_URL/health/ready" >/dev/null || { echo "Tether did not become ready; see $data_dir/tether.log" >&2; exit 1; }
fi

basic="$(printf '%s:%s' "$TETHER_SPI_USER" "$TETHER_SPI_PASSWORD" | base64 -w0)"
run() {
  local who="$1" header="$2"
  echo "== schemathesis as $who"
  "$st" --config-file scripts/schemathesis.toml run "$TETHER_URL/openapi.json" \
    --url "$TETHER_URL" \
    --header "Authorization: $header" \
    --checks all \
    --max-examples "$max_examples" \
    --workers 2 \
    --request-timeout 60 \
    --suppress-health-check all \
    --seed 10 \
    --report ndjson --report-dir "${REPORT_DIR:-.tether/schemathesis}/$who"
}
status=0
run admin "Bearer $TETHER_ADMIN_TOKEN" || status=1
run spi "Basic $basic" || status=1
exit "$status"
