#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test (unit, db against real PostgreSQL clusters the tests start, e2e).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup-deps.sh"
bash "$root/scripts/build.sh"
# The Stripe cross-checks run Stripe's official npm package.
bash "$root/scripts/setup-npm.sh"
cd "${BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${TEST_JOBS:-2}" "$@"
