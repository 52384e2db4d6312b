#!/usr/bin/env bash
# Installs everything riffq needs to build, test and run, idempotently: Debian packages
# (compiler toolchain, clang + libFuzzer for scripts/fuzz.sh, Asio, OpenSSL, libidn for
# SASLprep, libpq, libpg_query, GoogleTest, PostgreSQL 15, a JDK and pgjdbc for the JDBC tests)
# and Python packages (build backend, test clients). Any failed install fails the script.
set -euo pipefail
source "$(dirname "$0")/pip_quiet.sh"

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config openssl
  libasio-dev libssl-dev libidn-dev libpq-dev libpg-query-dev libprotobuf-c-dev
  libgtest-dev libgmock-dev libhowardhinnant-date-dev nlohmann-json3-dev
  postgresql-15 postgresql-client-15
  default-jdk-headless libpostgresql-jdbc-java
  clang libclang-rt-14-dev
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY="${PYTHON:-python3}"
echo "== installing Python packages"
# pyarrow >= 19: the arrow.uuid and arrow.json extension types the type tests cover;
# duckdb >= 1.5: to_arrow_reader, which the streaming tests use.
pip_quiet "$PY" -m pip install -q --disable-pip-version-check \
  "scikit-build-core>=0.10" "nanobind>=2.4" "cmake>=3.22" ninja \
  "pytest>=8" "pytest-timeout" "pyarrow>=19" "duckdb>=1.5,<2" "polars>=1.0" "pandas>=2" \
  "psycopg[binary]>=3.2" "psycopg2-binary>=2.9" "asyncpg>=0.29" "psutil>=5" matplotlib \
  "sqlalchemy>=2" greenlet "pg8000>=1.31" "adbc-driver-postgresql>=1.0" "connectorx>=0.4" \
  "mkdocs>=1.6" "mkdocstrings[python]>=0.26" "pyspark-client>=4.0" "pysail>=0.7"

# The client matrix programs (Go pgx / lib/pq, Node.js pg / postgres.js, Rust tokio-postgres /
# sqlx, Java pgjdbc): libraries from their registries, builds cached outside the clone.
bash "$(dirname "$0")/build_clients.sh"
