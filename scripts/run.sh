#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs the
# application on its embedded default database (a private PostgreSQL under
# your data folder, created on first use), filled with a demo car wash.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup-deps.sh"
bash "$root/scripts/build.sh"
bin="${BUILD_DIR:-$root/build}/bin"
"$bin/carwash-admin" seed --demo
"$bin/carwash-admin" services
"$bin/carwash-admin" health
