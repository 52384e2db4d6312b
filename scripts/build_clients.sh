#!/usr/bin/env bash
# Builds the client matrix programs (tests/clients/*, run by tests/python/test_client_matrix.py)
# with the machine's Go, Node.js, Rust and Java/Maven toolchains, fetching their libraries from
# the Go module proxy, the npm registry, crates.io and Maven Central. Caches live outside the
# clone (RIFFQ_CLIENTS_CACHE, default ~/.cache/riffq-clients) so that a second run reuses
# them; an up-to-date build does next to nothing. Any failure fails the script.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${RIFFQ_CLIENTS_CACHE:-$HOME/.cache/riffq-clients}"
BIN="$CACHE/bin"
mkdir -p "$BIN"

need() { command -v "$1" >/dev/null || { echo "build_clients.sh: $1 not found ($2)" >&2; exit 1; }; }

# ---- Go: pgx v5 and lib/pq (versions pinned in go.mod / go.sum) ------------------------------
need go "the Go toolchain"
echo "== client matrix: Go ($(go version | cut -d' ' -f3))"
(
  cd "$ROOT/tests/clients/go"
  export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS="-modcacherw -mod=readonly"
  go build -o "$BIN/clientmatrix-go" .
)

# ---- Node.js: pg and postgres.js (versions pinned in package-lock.json) ----------------------
need node "Node.js"
need npm "npm"
echo "== client matrix: Node.js ($(node --version))"
(
  cd "$ROOT/tests/clients/node"
  if ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
    npm ci --cache "$CACHE/npm" --prefer-offline --no-audit --no-fund --loglevel=error
  fi
)

# ---- Java: pgjdbc, newest from Maven Central (Debian's /usr/share/java/postgresql.jar too) ----
PGJDBC_VERSION=42.7.14
need javac "a JDK"
need mvn "Maven"
echo "== client matrix: Java ($(javac -version 2>&1)), pgjdbc $PGJDBC_VERSION"
JAVA_OUT="$CACHE/java"
mkdir -p "$JAVA_OUT/classes"
if [ ! -s "$JAVA_OUT/postgresql-$PGJDBC_VERSION.jar" ]; then
  mvn -q -B -Dmaven.repo.local="$CACHE/m2" dependency:copy \
    -Dartifact="org.postgresql:postgresql:$PGJDBC_VERSION" -DoutputDirectory="$JAVA_OUT"
fi
ln -sf "postgresql-$PGJDBC_VERSION.jar" "$JAVA_OUT/postgresql-maven.jar"
if [ ! -e "$JAVA_OUT/classes/ClientMatrix.class" ] || \
   [ "$ROOT/tests/clients/java/ClientMatrix.java" -nt "$JAVA_OUT/classes/ClientMatrix.class" ]; then
  javac -d "$JAVA_OUT/classes" -cp "$JAVA_OUT/postgresql-maven.jar" \
    "$ROOT/tests/clients/java/ClientMatrix.java"
fi

# ---- Rust: tokio-postgres and sqlx (versions pinned in Cargo.lock; minimal features) ---------
need cargo "the Rust toolchain"
echo "== client matrix: Rust ($(cargo --version))"
(
  cd "$ROOT/tests/clients/rust"
  CARGO_TARGET_DIR="$CACHE/cargo-target" cargo build --release --locked --quiet
  cp "$CACHE/cargo-target/release/clientmatrix" "$BIN/clientmatrix-rust"
)
