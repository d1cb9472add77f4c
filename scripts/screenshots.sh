#!/usr/bin/env bash
# Pictures of the real desk windows, for the README and for reviews. Builds
# nothing (run scripts/build.sh first). Starts an X server (Xvfb :99,
# 1366x768), a throwaway embedded database in a temporary HOME filled with
# the demo car wash, and a D-Bus session with an unlocked GNOME Keyring, then
# has `carwash-screenshots` (app/screenshots/) save the desk window in each state:
#
#   01-sign-in.png          the sign-in screen
#   02-day-board.png        a staff member's main window: today's board per bay
#   03-day-board-manager.png  a manager's board (Staff, Site set-up and Settings buttons)
#   04-booking.png          a booking opened from the board, with its next steps
#   05-receipt.png          a paid booking's receipt in the print preview
#   06-site-setup.png       the manager's site set-up (settings, hours, catalogue)
#   07-staff.png            the manager's staff list
#   08-settings.png         the manager's database settings
#   09-wash-menu.png        the wash menu tab
#   10-sign-in-125.png      the sign-in screen at 125 % scaling
#   11-day-board-125.png    the manager's board at 125 % scaling
#   12-locked.png           sign-in after five wrong PINs: the lock-out and its time
#   13-no-database.png      start-up against a database server that is down
#   14-diagnostics.png      the manager's diagnostics during a short load through the desk's pool
#   15-walk-in.png          a walk-in: wash chosen, a returning customer's plate typed
#
# The demo car wash is put in a time zone where it is early afternoon, so
# the board shows a day with a past, a present and a future.
#
# Usage: scripts/screenshots.sh [OUTPUT_FOLDER]   (default docs/screenshots)
# Everything it starts is stopped again, whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${BUILD_DIR:-$root/build}/bin"
out=$(mkdir -p "${1:-$root/docs/screenshots}" && cd "${1:-$root/docs/screenshots}" && pwd)
display=${SCREENSHOT_DISPLAY:-:99}

for program in carwash-screenshots carwash-admin; do
  if [ ! -x "$bin/$program" ]; then
    echo "screenshots: $bin/$program is missing; run scripts/build.sh first" >&2
    exit 1
  fi
done

# A D-Bus session of our own, so the settings dialog talks to a real keychain
# and nothing reaches (or autolaunches on) the caller's session.
if [ "${CARWASH_SHOTS_SESSION:-}" != 1 ] && command -v dbus-run-session >/dev/null; then
  CARWASH_SHOTS_SESSION=1 exec dbus-run-session -- "$0" "$@"
fi

home=$(mktemp -d /tmp/carwash-shots-XXXXXX)
mkdir -m 700 "$home/run"
export HOME="$home" XDG_RUNTIME_DIR="$home/run" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config"
unset DATABASE_URL DB_MAX_CONNECTIONS DB_POOL_TIMEOUT DB_CONNECT_TIMEOUT
export CARWASH_LANG=${CARWASH_LANG:-en}
# No LANG means the C locale; the programs then show US English formats.

xvfb_pid=""
keyring_pid=""
cleanup() {
  local status=$?
  "$bin/carwash-admin" db stop >/dev/null 2>&1 || true
  # Under root the embedded cluster lives outside HOME; take it away too.
  if [ -n "${server_root:-}" ] && [[ "$server_root" == /var/lib/carwash-desk/* ]]; then
    rm -rf "$server_root"
  fi
  [ -n "$keyring_pid" ] && kill "$keyring_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null || true
  rm -rf "$home"
  exit "$status"
}
trap cleanup EXIT INT TERM

if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v gnome-keyring-daemon >/dev/null; then
  echo -n screenshots | timeout 30 gnome-keyring-daemon --unlock --components=secrets >/dev/null || true
  keyring_pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
    awk '/uint32/ { print $2 }') || true
fi

Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
socket="/tmp/.X11-unix/X${display#:}"
for _ in $(seq 50); do
  [ -S "$socket" ] && break
  sleep 0.1
done
if [ ! -S "$socket" ]; then
  echo "screenshots: Xvfb did not start on $display" >&2
  exit 1
fi

echo "screenshots: starting the embedded database and the demo car wash"
"$bin/carwash-admin" seed --demo --json >"$home/seed.json"
# Early afternoon somewhere: the zone whose hour now is nearest 13:00.
best="" best_gap=99
for tz in Pacific/Honolulu America/Anchorage America/Los_Angeles America/Denver America/Chicago \
  America/New_York America/Halifax America/Sao_Paulo Atlantic/South_Georgia Atlantic/Azores \
  Europe/London Europe/Berlin Europe/Athens Europe/Moscow Asia/Dubai Asia/Karachi Asia/Dhaka \
  Asia/Bangkok Asia/Shanghai Asia/Tokyo Australia/Brisbane Pacific/Noumea Pacific/Auckland \
  Pacific/Tongatapu Pacific/Kiritimati Pacific/Pago_Pago; do
  hour=$(TZ=$tz date +%H)
  gap=$(( 10#$hour > 13 ? 10#$hour - 13 : 13 - 10#$hour ))
  if [ "$gap" -lt "$best_gap" ]; then best=$tz best_gap=$gap; fi
done
"$bin/carwash-admin" settings set site.timezone "$best" >/dev/null
"$bin/carwash-admin" settings set site.address "$(printf '1200 Harbor Boulevard\nSpringfield, OR 97477')" >/dev/null
"$bin/carwash-admin" seed --demo-day >/dev/null
server_root=$("$bin/carwash-admin" db status --json | sed -n 's/.*"data_directory": *"\(.*\)\/data".*/\1/p')
# The seed prints each person once, with the PIN: name, pin, role per person.
people=$(awk -F'"' '/"name"/ { name = $4 } /"pin"/ { pin = $4 } /"role"/ { print $4 "|" name "|" pin }' "$home/seed.json")
manager=$(printf '%s\n' "$people" | awk -F'|' '$1 == "manager" { print; exit }')
staff=$(printf '%s\n' "$people" | awk -F'|' '$1 == "staff" { print; exit }')
if [ -z "$manager" ] || [ -z "$staff" ]; then
  echo "screenshots: the demo seed gave no manager and staff PINs (database seeded before?)" >&2
  exit 1
fi

shot() { # FILE [SCALE] [carwash-screenshots arguments...]
  local file=$1 scale=$2
  shift 2
  QT_QPA_PLATFORM=xcb DISPLAY="$display" QT_SCALE_FACTOR="$scale" \
    timeout 120 "$bin/carwash-screenshots" "$out/$file" "$@"
}
as() { # ROLE-LINE: sets who and pin
  who=$(printf '%s' "$1" | cut -d'|' -f2)
  pin=$(printf '%s' "$1" | cut -d'|' -f3)
}

shot 01-sign-in.png 1
as "$staff"
CARWASH_PIN="$pin" shot 02-day-board.png 1 --sign-in "$who"
as "$manager"
CARWASH_PIN="$pin" shot 03-day-board-manager.png 1 --sign-in "$who"
CARWASH_PIN="$pin" shot 04-booking.png 1 --sign-in "$who" --show booking
CARWASH_PIN="$pin" shot 05-receipt.png 1 --sign-in "$who" --show receipt
CARWASH_PIN="$pin" shot 06-site-setup.png 1 --sign-in "$who" --show setup
CARWASH_PIN="$pin" shot 07-staff.png 1 --sign-in "$who" --show staff
CARWASH_PIN="$pin" shot 08-settings.png 1 --sign-in "$who" --show settings
CARWASH_PIN="$pin" shot 09-wash-menu.png 1 --sign-in "$who" --show menu
CARWASH_PIN="$pin" shot 15-walk-in.png 1 --sign-in "$who" --show walkin
CARWASH_PIN="$pin" shot 14-diagnostics.png 1 --sign-in "$who" --show diagnostics
shot 10-sign-in-125.png 1.25
CARWASH_PIN="$pin" shot 11-day-board-125.png 1.25 --sign-in "$who"
as "$staff"
wrong=$([ "$pin" = 0000 ] && echo 1111 || echo 0000)
CARWASH_PIN="$wrong" shot 12-locked.png 1 --sign-in "$who" --show locked
# A server nobody listens on: what a desk shows when the database is down.
DATABASE_URL="postgresql://carwash@127.0.0.1:1/carwash?connect_timeout=2" \
  shot 13-no-database.png 1 --show start-failure
echo "screenshots: saved in $out"
