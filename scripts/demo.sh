#!/usr/bin/env bash
# Installs everything, then serves a generated sample table through DuckDB on
# 127.0.0.1:5433 (user "user", password "secret") until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install.sh
exec python3 examples/python/demo_server.py "${RIFFQ_DEMO_ADDR:-127.0.0.1:5433}"
