#!/usr/bin/env bash
# Builds the documentation site (MkDocs, API reference from the docstrings) into build/site,
# failing on any warning. Needs `mkdocs` and `mkdocstrings[python]` (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
exec "$PY" -m mkdocs build --strict --site-dir "${RIFFQ_SITE_DIR:-build/site}" "$@"
