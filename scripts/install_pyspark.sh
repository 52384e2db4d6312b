#!/usr/bin/env bash
# Installs the full `pyspark` package (~480 MB: Spark's jars, including the Spark Connect
# server) outside the Python environment, for the slower Spark tests (pytest -m spark_jvm),
# which start its local Spark Connect server with Java 17. riffq itself talks to Spark through
# `pyspark-client` only, so `pyspark` is never installed into the environment (it would replace
# pyspark-client's files) and the default setup does not download it.
# Prints the Spark home (the package's pyspark/ folder); idempotent: an existing copy is reused.
set -euo pipefail
source "$(dirname "$0")/pip_quiet.sh"

PY="${PYTHON:-python3}"
# The server's version is the client's, so both speak the same Spark Connect protocol.
VERSION="$("$PY" -c 'import importlib.metadata as m; print(m.version("pyspark-client"))')"
DIR="${RIFFQ_PYSPARK_DIR:-$HOME/.cache/riffq-spark/pyspark-$VERSION}"
HOME_DIR="$DIR/pyspark"

if ! compgen -G "$HOME_DIR/jars/spark-connect_*.jar" >/dev/null; then
  echo "== installing pyspark $VERSION into $DIR" >&2
  rm -rf "$DIR.tmp"
  pip_quiet "$PY" -m pip install -q --disable-pip-version-check --no-deps --target "$DIR.tmp" \
    "pyspark==$VERSION" >&2
  rm -rf "$DIR"
  mv "$DIR.tmp" "$DIR"
fi
echo "$HOME_DIR"
