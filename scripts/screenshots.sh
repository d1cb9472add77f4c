#!/usr/bin/env bash
# Pictures of the real desk windows, for the README and for reviews. Builds
# nothing (run scripts/build.sh first). Starts an X server (Xvfb :99,
# 1366x768), a throwaway embedded database in a temporary HOME filled with
# the demo car wash, and a D-Bus session with an unlocked GNOME Keyring, then
# has `carwash-screenshots` (app/screenshots/) save the desk window in each state:
#
#   01-sign-in.png          the sign-in screen
#   02-day-board.png        a staff member's main window: today's board per bay
#   03-day-board-manager.png  a manager's board (the Manage menu of the manager's screens)
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
#   16-card-unavailable.png the Card… dialog while no carwash-server runs: why, and what to do
#   17-card-choose.png      the Card… dialog with carwash-server running: this desk's reader or a QR code
#   18-card-qr.png          the QR code of the Checkout link carwash-server made (at the fake Stripe)
#   19-day-board-payments.png  the board's payment badges: paid, partly paid, unpaid, card under
#                           way and needs attention (paid by card after a no-show)
#   20-booking-card-refund.png a partly refunded booking: Card… for what is due, Refund… for the rest
#   21-refund.png           the Refund… dialog of that booking
#   22-takings.png          the day's takings
#   23-card-readers.png     the manager's card readers
#   73-first-run-site.png   the first start on an empty database: the first run's pages,
#   74-first-run-money.png  answered for a sample car wash up to each: the car wash, currency
#   75-first-run-hours.png  and tax, opening hours, the first manager, the wash menu, the
#   76-first-run-manager.png  summary before Open the car wash, and two PINs that differ
#   77-first-run-menu.png
#   78-first-run-ready.png
#   79-first-run-pin-error.png
#
# The kiosk (`carwash --kiosk`), driven by taps on its own buttons, full screen
# on a 1080x1920 portrait and a 1920x1080 landscape X screen of its own, in
# English and in Spanish (the language button touched first):
#
#   portrait  landscape  screen
#   en  es    en  es
#   24  42    33  51     kiosk-attract: "Touch to start", the washes on offer, the languages
#   25  43    34  52     kiosk-wash: the first wash chosen, priced for a car, its add-ons
#   26  44    35  53     kiosk-time: the next free time first, a few more today
#   27  45    36  54     kiosk-plate: a plate typed on the kiosk's own keyboard
#   28  46    37  55     kiosk-idle: "Still there?" over the plate, counting down
#   29  47    38  56     kiosk-pay-reader: the summary with tax, the kiosk's reader waiting for a card
#   30  48    39  57     kiosk-pay-phone: the QR code of the Checkout link, waiting for the phone
#   31  49    40  58     kiosk-done: paid (a card presented at the fake reader): code, QR, bay and time
#   32  50    41  59     kiosk-out-of-service: the database away
#
# and the wash, plate, pay-reader and done screens on a 1280x800 X screen at
# 150 % (QT_SCALE_FACTOR=1.5), NN-kiosk-SCREEN-1280x800-150.png, 60 to 63.
#
# named NN-kiosk-SCREEN-portrait.png, NN-kiosk-SCREEN-landscape.png, and
# NN-kiosk-SCREEN-portrait-es.png, NN-kiosk-SCREEN-landscape-es.png.
#
# The booking page on carwash-server, in headless Chromium: 64 to 72, taken by
# scripts/web-screenshots.sh (see there).
#
# The card and kiosk scenes run carwash-server against the fake Stripe of the
# tests (tests/harness/fakestripe, Node); without node, curl and jq they are
# left out, saying so. Nothing reaches Stripe.
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
kiosk_xvfb_pids=""
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
  for pid in $kiosk_xvfb_pids; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
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

start_xvfb() { # DISPLAY SIZE: an X server, waited for
  Xvfb "$1" -screen 0 "$2x24" -nolisten tcp >/dev/null 2>&1 &
  started_pid=$!
  local socket="/tmp/.X11-unix/X${1#:}"
  for _ in $(seq 50); do
    [ -S "$socket" ] && return 0
    sleep 0.1
  done
  echo "screenshots: Xvfb did not start on $1" >&2
  return 1
}
start_xvfb "$display" 1366x768
xvfb_pid=$started_pid

# The first start, while the embedded database is still empty (the desk
# creates and migrates it; nothing is written, Open the car wash is never
# pressed), at 1024x768, the smallest desk screen it must fit.
first_run_display=:95
start_xvfb "$first_run_display" 1024x768
kiosk_xvfb_pids="$started_pid"
number=73
for page in site money hours manager menu ready pin-error; do
  QT_QPA_PLATFORM=xcb DISPLAY="$first_run_display" QT_SCALE_FACTOR=1 \
    timeout 120 "$bin/carwash-screenshots" "$out/$number-first-run-$page.png" --show "first-run-$page"
  number=$((number + 1))
done

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

as "$manager"
# Readers as a car wash has them: this desk's, a kiosk's, a spare.
"$bin/carwash-admin" reader add tmr_Fq3kX8bW2nLpZs --label "Front desk reader" --desk "$(hostname)" >/dev/null
"$bin/carwash-admin" reader add tmr_GkR93mWx0aQe1z --label "Entrance kiosk reader" --kiosk Entrance >/dev/null
"$bin/carwash-admin" reader add tmr_HsT7c2VbN4pLq8 --label "Spare reader" >/dev/null
CARWASH_PIN="$pin" shot 23-card-readers.png 1 --sign-in "$who" --show readers

missing=""
for tool in node curl jq; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "screenshots: no card payment scenes (16-21): missing$missing" >&2
  CARWASH_PIN="$pin" shot 22-takings.png 1 --sign-in "$who" --show takings
  echo "screenshots: saved in $out"
  exit 0
fi

# Today's bookings at the site: the first two confirmed ones and the latest
# completed one paid in cash, so the board shows them near now.
today=$(TZ=$best date +%F)
"$bin/carwash-admin" bookings --date "$today" --json >"$home/today.json"
upcoming=$(jq -r '[.[] | select(.status == "confirmed")] | sort_by(.start) | .[].code' "$home/today.json")
card_code=$(printf '%s\n' "$upcoming" | sed -n 1p)
attention_code=$(printf '%s\n' "$upcoming" | sed -n 2p)
cash_code=""
for code in $(jq -r '[.[] | select(.status == "completed")] | sort_by(.start) | reverse | .[].code' \
  "$home/today.json"); do
  if "$bin/carwash-admin" payment show "$code" --json |
    jq -e '[.. | objects | select(has("method") and has("attention"))] | length == 1 and .[0].method == "cash"' \
      >/dev/null; then
    cash_code=$code
    break
  fi
done
if [ -z "$card_code" ] || [ -z "$attention_code" ] || [ -z "$cash_code" ]; then
  echo "screenshots: today's demo bookings lack two confirmed and a cash-paid completed one" >&2
  exit 1
fi

# No payment server yet: what the desk says.
CARWASH_PIN="$pin" shot 16-card-unavailable.png 1 --sign-in "$who" --show card --booking "$card_code"

# The fake Stripe of the tests, and carwash-server talking to it.
fake_pid="" server_pid=""
stop_payments() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null || true
  server_pid="" fake_pid=""
}
trap 'status=$?; stop_payments; (exit "$status"); cleanup' EXIT
trap 'exit 1' INT TERM
wait_for_line() { # FILE PATTERN: the first matching line, within 30 s
  for _ in $(seq 300); do
    if grep -q "$2" "$1" 2>/dev/null; then
      grep -m1 "$2" "$1"
      return 0
    fi
    sleep 0.1
  done
  echo "screenshots: no \"$2\" in $1:" >&2
  cat "$1" >&2
  return 1
}
node "$root/tests/harness/fakestripe/fake-stripe.mjs" --port 0 --seed 7 >"$home/fake.log" 2>&1 &
fake_pid=$!
stripe="http://127.0.0.1:$(wait_for_line "$home/fake.log" FAKE_STRIPE_LISTENING | awk '{ print $2 }')"
whsec=whsec_screenshots$(date +%s)
STRIPE_SECRET_KEY=sk_test_carwashFakeStripeKey0000000000 STRIPE_WEBHOOK_SECRET=$whsec STRIPE_API_BASE=$stripe \
  "$bin/carwash-server" --listen 127.0.0.1:0 >"$home/server.log" 2>&1 &
server_pid=$!
server=$(wait_for_line "$home/server.log" "carwash-server listening on" | sed 's/.* on //')
curl -fsS -X POST -H 'Content-Type: application/json' \
  -d "{\"url\": \"$server/stripe/webhook\", \"secrets\": [\"$whsec\"]}" "$stripe/_fake/webhook" >/dev/null

# A customer paid by card after being marked a no-show: the server's
# webhook keeps the money and flags the booking for a person to look at.
session=$("$bin/carwash-admin" payment checkout "$attention_code" --json | jq -r .session_id)
"$bin/carwash-admin" booking status "$attention_code" no_show --reason "Did not come" >/dev/null
curl -fsS -X POST -H 'Content-Type: application/json' -d '{}' "$stripe/_fake/checkout_sessions/$session/pay" >/dev/null
flagged=""
for _ in $(seq 300); do
  if "$bin/carwash-admin" payment show "$attention_code" --json |
    jq -e '[.. | objects | select(has("attention"))] | any(.attention != null)' >/dev/null; then
    flagged=yes
    break
  fi
  sleep 0.1
done
if [ -z "$flagged" ]; then
  echo "screenshots: the payment after the no-show of $attention_code was not applied; carwash-server said:" >&2
  cat "$home/server.log" >&2
  exit 1
fi
# Part of a cash payment given back: something is due again, something left to refund.
"$bin/carwash-admin" payment refund "$cash_code" --amount 5 --reason "Wheels not finished" >/dev/null

CARWASH_PIN="$pin" shot 17-card-choose.png 1 --sign-in "$who" --show card --booking "$card_code"
CARWASH_PIN="$pin" shot 18-card-qr.png 1 --sign-in "$who" --show card-qr --booking "$card_code"
CARWASH_PIN="$pin" shot 19-day-board-payments.png 1 --sign-in "$who"
CARWASH_PIN="$pin" shot 20-booking-card-refund.png 1 --sign-in "$who" --show booking --booking "$cash_code"
CARWASH_PIN="$pin" shot 21-refund.png 1 --sign-in "$who" --show refund --booking "$cash_code"

# The kiosk "Lobby": a reader registered at the fake Stripe, assigned to it,
# the reader and the phone offered. Each picture on an X screen of the
# kiosk's size, where it goes full screen as on the real panel.
reader=$(curl -fsS -H "Authorization: Bearer sk_test_carwashFakeStripeKey0000000000" -d registration_code=simulated-wpe \
  -d label="Lobby kiosk reader" "$stripe/v1/terminal/readers" | jq -r .id)
"$bin/carwash-admin" reader add "$reader" --label "Lobby kiosk reader" --kiosk Lobby >/dev/null
"$bin/carwash-admin" kiosk set Lobby --methods reader,phone --language en >/dev/null
kiosk_display_portrait=:98 kiosk_display_landscape=:97 kiosk_display_small=:96
start_xvfb "$kiosk_display_portrait" 1080x1920
kiosk_xvfb_pids="$kiosk_xvfb_pids $started_pid"
start_xvfb "$kiosk_display_landscape" 1920x1080
kiosk_xvfb_pids="$kiosk_xvfb_pids $started_pid"
start_xvfb "$kiosk_display_small" 1280x800
kiosk_xvfb_pids="$kiosk_xvfb_pids $started_pid"
kiosk_shot() { # FILE ORIENTATION LANGUAGE SCREEN [environment assignments...]
  local file=$1 orientation=$2 language=$3 screen=$4
  shift 4
  local display_var="kiosk_display_$orientation"
  env QT_QPA_PLATFORM=xcb DISPLAY="${!display_var}" STRIPE_API_BASE="$stripe" \
    STRIPE_SECRET_KEY=sk_test_carwashFakeStripeKey0000000000 "$@" \
    timeout 120 "$bin/carwash-screenshots" "$out/$file" --kiosk Lobby --show "$screen" \
    ${language:+--language "$language"}
}
number=24
for language in "" es; do
  for orientation in portrait landscape; do
    for screen in attract wash time plate idle pay-reader pay-phone done out-of-service; do
      file="$number-kiosk-$screen-$orientation${language:+-$language}.png"
      if [ "$screen" = out-of-service ]; then
        kiosk_shot "$file" "$orientation" "$language" "$screen" \
          DATABASE_URL="postgresql://carwash@127.0.0.1:1/carwash?connect_timeout=2"
      else
        kiosk_shot "$file" "$orientation" "$language" "$screen"
      fi
      number=$((number + 1))
    done
  done
done
# The smallest panel at 150 %: 853x533 to lay out in, the plate's keyboard
# beside its fields.
for screen in wash plate pay-reader done; do
  kiosk_shot "$number-kiosk-$screen-1280x800-150.png" small "" "$screen" QT_SCALE_FACTOR=1.5
  number=$((number + 1))
done
stop_payments
CARWASH_PIN="$pin" shot 22-takings.png 1 --sign-in "$who" --show takings
# The booking page (64-72) in headless Chromium, with a database of its own.
if command -v chromium >/dev/null; then
  "$root/scripts/web-screenshots.sh" "$out"
else
  echo "screenshots: no booking page pictures (64-72): chromium is missing (scripts/setup-deps.sh)" >&2
fi
echo "screenshots: saved in $out"
