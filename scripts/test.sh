#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs dependencies, builds the C++ core with
# warnings as errors, runs the GoogleTest suite (plain and under ASan+UBSan), runs the fuzzers
# for a bounded time (scripts/fuzz.sh), installs the Python package and runs pytest (real
# PostgreSQL 15, psql, psycopg 2/3, asyncpg).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

JOBS="$(nproc)"
echo "== C++ build + tests"
cmake -S . -B build/cpp -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRIFFQ_BUILD_TESTS=ON \
  -DRIFFQ_WERROR=ON >/dev/null
cmake --build build/cpp -j "$JOBS"
ctest --test-dir build/cpp --output-on-failure -j "$JOBS"

if [ "${RIFFQ_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "== C++ tests under ASan + UBSan"
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRIFFQ_BUILD_TESTS=ON \
    -DRIFFQ_WERROR=ON -DRIFFQ_SANITIZE=ON >/dev/null
  cmake --build build/asan -j "$JOBS"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$JOBS"
fi

if [ "${RIFFQ_SKIP_FUZZ:-0}" != "1" ]; then
  # libFuzzer targets (clang, ASan + UBSan), each for RIFFQ_FUZZ_SECONDS (default 45 s, 25 s in CI).
  bash scripts/fuzz.sh
fi

echo "== Python package + tests"
bash scripts/install.sh
# -rs lists every skipped test with its reason; conftest.py fails the run for a skip that is
# not on its allow-list.
python3 -m pytest -q -rs tests/python "$@"
