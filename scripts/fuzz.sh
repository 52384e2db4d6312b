#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (-fsanitize=fuzzer,address,undefined, in
# build/fuzz) and runs each for RIFFQ_FUZZ_SECONDS seconds (default 45; 25 with CI=true) from its committed
# seed corpus (fuzz/corpus/<target>, copied: new inputs stay in build/fuzz/corpus). A crash,
# a leak, undefined behaviour or a timeout fails the script, with the input saved under
# build/fuzz/artifacts/. Prints the executions each target ran.
#
# In CI (CI=true) the run is seeded (RIFFQ_FUZZ_SEED, default 1 there, random elsewhere) so that
# a red run can be replayed; longer local runs explore further.
#
#   bash scripts/fuzz.sh                      all targets
#   RIFFQ_FUZZ_SECONDS=600 bash scripts/fuzz.sh fuzz_session
set -euo pipefail
cd "$(dirname "$0")/.."

DEFAULT_SECONDS=45
[ "${CI:-}" = "true" ] && DEFAULT_SECONDS=25  # CI: a seeded regression run, not a search
SECONDS_EACH="${RIFFQ_FUZZ_SECONDS:-$DEFAULT_SECONDS}"
DEFAULT_SEED=0  # libFuzzer: 0 = from the clock
[ "${CI:-}" = "true" ] && DEFAULT_SEED=1
SEED="${RIFFQ_FUZZ_SEED:-$DEFAULT_SEED}"
TARGETS=("$@")
[ "${#TARGETS[@]}" -eq 0 ] && TARGETS=(fuzz_startup fuzz_session fuzz_sql fuzz_catalog fuzz_copy_binary)
BUILD=build/fuzz

echo "== fuzz: building ${TARGETS[*]} (clang, libFuzzer + ASan + UBSan)"
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRIFFQ_FUZZ=ON -DRIFFQ_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target "${TARGETS[@]}"

mkdir -p "$BUILD/artifacts"
status=0
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$t"
  mkdir -p "$corpus"
  log="$BUILD/$t.log"
  # -timeout: one input running 10 s is a hang; -rss_limit_mb: a blow-up is a finding too.
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD/fuzz/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2560 \
      -max_len=8192 -seed="$SEED" -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t-" \
      "$corpus" "fuzz/corpus/$t" >"$log" 2>&1; then
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    echo "fuzz: $t ran clean: $execs executions in ${SECONDS_EACH}s, corpus $(ls "$corpus" | wc -l) inputs"
  else
    status=1
    echo "fuzz: $t FAILED — last lines of $log:"
    tail -40 "$log"
  fi
done
exit "$status"
