#!/usr/bin/env bash
# The sanitizer lanes CI runs after the tests (README, Sanitizers):
#   asan  ASan+UBSan build in build-asan/, the unit and db tests (but three);
#   tsan  TSan build in build-tsan/, the pool's and the listener's tests.
# Usage: scripts/sanitizers.sh [asan] [tsan]   (both when none is named)
# Each lane is configured once, builds only the targets its tests need, and
# fails on the first report. Line tables only (-g1): every frame's line named
# at a fraction of -g's compile and link time. The ASan+UBSan lane builds with
# clang at -O0: measured on one of our test files, 9.8 s of CPU against gcc's
# 28.9 s at -O1 (17.9 s at -O0), and its tests wait on PostgreSQL far more than
# they compute. The TSan lane stays with gcc at -O1, where its suppressions
# were written: a race report needs the accesses as the program makes them.
# ccache is used when installed (a rerun of the same tree then links only). Set ASAN_BUILD_DIR, TSAN_BUILD_DIR,
# BUILD_JOBS, TEST_JOBS to change where and how wide; extra ctest arguments
# go in CTEST_ARGS (e.g. CTEST_ARGS="-R tst_async").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${BUILD_JOBS:-$(nproc)}
supp=$root/tests/sanitizers

# The TSan lane: the pool (its own tests, faults from the TCP proxy, results
# travelling back to their threads, bookings racing through it) and the
# LISTEN thread (tst_paymentqueue's listener on several channels, its
# restarts). These are where our threads meet; the rest run on one thread.
tsan_tests='^(tst_connectionpool_limits|tst_connectionpool_faults|tst_connectionpool_statements|tst_networkfaults|tst_async|tst_bookingengine_races|tst_paymentqueue)$'

# The ASan+UBSan lane: every unit and db test but three, left out to keep CI
# under 45 minutes on 2 cores: they alone would build the kiosk's widgets (41
# more steps) that no other test of the lane needs, and they check sizes and
# strings with no input from outside (tst_kioskmetrics and its 150 % run,
# tst_kiosktext).
asan_left_out='^(tst_kioskmetrics|tst_kioskmetrics_150|tst_kiosktext)$'

# lane NAME BUILD_DIR SANITIZERS CC CXX OPTIMISATION CTEST_SELECTION...
lane() {
  local name=$1 dir=$2 sanitizers=$3 cc=$4 cxx=$5 opt=$6
  shift 6
  local started=$SECONDS
  if [ ! -f "$dir/build.ninja" ]; then
    local launcher=()
    if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
    CC=$cc CXX=$cxx cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=$opt -g1" \
      "-DCARWASH_SANITIZE=$sanitizers" "${launcher[@]}"
  fi
  # Only the executables of the chosen tests (and what they depend on, such
  # as carwash-admin); a test that reruns another's binary (tst_kioskmetrics_150)
  # names no target of its own.
  local targets=() test
  for test in $(cd "$dir" && ctest -N "$@" | sed -n 's/^ *Test *#[0-9]*: //p'); do
    if ninja -C "$dir" -t query "$test" >/dev/null 2>&1; then targets+=("$test"); fi
  done
  cmake --build "$dir" -j "$jobs" --target "${targets[@]}"
  local built=$SECONDS
  # ${CTEST_ARGS} unquoted on purpose: several arguments, or none.
  # shellcheck disable=SC2086
  (cd "$dir" && ctest --output-on-failure -j "${TEST_JOBS:-2}" "$@" ${CTEST_ARGS:-})
  echo "sanitizers: $name lane: build $((built - started)) s, tests $((SECONDS - built)) s"
}

lanes=("$@")
[ ${#lanes[@]} -gt 0 ] || lanes=(asan tsan)
for l in "${lanes[@]}"; do
  case $l in
    asan)
      # Options in the environment, never LD_PRELOAD: the PostgreSQL servers
      # the tests start inherit it and are not ours; to them these are inert.
      ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 \
      LSAN_OPTIONS=suppressions=$supp/lsan.supp:print_suppressions=0 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        lane asan "${ASAN_BUILD_DIR:-$root/build-asan}" address,undefined clang clang++ -O0 -L 'unit|db' -E "$asan_left_out"
      ;;
    tsan)
      # die_after_fork=0: QProcess (pg_ctl, psql) forks from a test whose
      # pool threads run; the child only execs, so TSan need not refuse it.
      TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=$supp/tsan.supp:print_suppressions=0 \
        lane tsan "${TSAN_BUILD_DIR:-$root/build-tsan}" thread gcc g++ -O1 -R "$tsan_tests"
      ;;
    *)
      echo "sanitizers: unknown lane '$l' (asan or tsan)" >&2
      exit 2
      ;;
  esac
done
