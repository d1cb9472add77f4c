#!/usr/bin/env bash
# Fuzzes every parser that takes outside input (tests/fuzz) for a bounded
# time each: builds the fuzzers with clang, libFuzzer, ASan and UBSan into
# build-fuzz/ (or $FUZZ_BUILD_DIR; only the libraries they link), then runs
# each from its seed corpus and regressions for the given time (default 20 s).
#   scripts/fuzz.sh [SECONDS_EACH] [TARGET…]     e.g. scripts/fuzz.sh 3600 apirequest
# New inputs go to build-fuzz/corpus/TARGET (kept between runs); a crash,
# leak, hang or broken property stops with the input saved as
# build-fuzz/artifacts/TARGET/crash-… (or leak-, timeout-, oom-): fix the
# product, then add the input to tests/fuzz/regressions/TARGET/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-20}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=($(ls "$root/tests/fuzz/corpus"))
fi

if [ ! -f "$build/build.ninja" ]; then
  # -O1 and line tables: what libFuzzer's documentation suggests; quick to
  # build, with stack traces that name the line.
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCARWASH_FUZZ=ON \
    -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" >/dev/null
fi
cmake --build "$build" --target carwash_fuzzers -j "${BUILD_JOBS:-$(nproc)}"
echo "fuzz: built in ${SECONDS} s"

# Every UB is an error; leaks are reported at exit of each input's run.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
failed=()
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  seeds=("$root/tests/fuzz/corpus/$target")
  if [ -d "$root/tests/fuzz/regressions/$target" ]; then
    seeds+=("$root/tests/fuzz/regressions/$target")
  fi
  echo "fuzz: $target for ${seconds} s"
  # -timeout: one input may take 10 s before it counts as a hang;
  # -rss_limit_mb: more than 2 GB is a memory blow-up.
  if ! "$build/bin/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" "${seeds[@]}" >"$build/fuzz_$target.log" 2>&1; then
    tail -n 60 "$build/fuzz_$target.log"
    echo "fuzz: $target FAILED; the input is in $artifacts/ (log: $build/fuzz_$target.log)"
    failed+=("$target")
  else
    grep -E '^stat::number_of_executed_units|^Done' "$build/fuzz_$target.log" | tr '\n' ' '
    echo
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]} (${SECONDS} s in all)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, nothing found (${SECONDS} s in all)"
