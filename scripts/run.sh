#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs the
# desk application on its embedded default database (a private PostgreSQL
# under your data folder, created on first use), filled with a demo car wash
# whose staff PINs are printed the first time, and a day of demo bookings.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup-deps.sh"
bash "$root/scripts/build.sh"
bin="${BUILD_DIR:-$root/build}/bin"
"$bin/carwash-admin" seed --demo
# Today's demo traffic for the day board (once per day; nothing on a closed day).
"$bin/carwash-admin" seed --demo-day
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: showing the database from the command line instead of the window." >&2
  "$bin/carwash-admin" services
  exec "$bin/carwash-admin" health
fi
exec "$bin/carwash" "$@"
