#!/usr/bin/env bash
# Installs everything, then runs `riffq serve` on its built-in sample (tables trips, 100 000
# rows, and cities, with keys) on 127.0.0.1:5433, user "user", password "secret", until Ctrl-C.
# Any other paths given are served instead: bash scripts/demo.sh data/ shop.duckdb
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install.sh
ADDR="${RIFFQ_DEMO_ADDR:-127.0.0.1:5433}"
exec python3 -m riffq serve --host "${ADDR%:*}" --port "${ADDR##*:}" --user user:secret "$@"
