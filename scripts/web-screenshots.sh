#!/usr/bin/env bash
# Pictures of the booking page (GET / on carwash-server) in headless
# Chromium, for the README and for reviews: a throwaway embedded database
# with the demo car wash, the fake Stripe of the tests and carwash-server
# talking to it; tests/npm/bookingpage-browser.mjs (puppeteer-core, the same
# driver as tst_bookingpage) chooses, picks a time, fills in, books and pays
# at the fake's Checkout page, and saves:
#
#   64-web-phone-choose.png         360x740: the washes priced for the vehicle, an extra ticked
#   65-web-phone-times.png          a day's free times, one chosen
#   66-web-phone-details.png        plate, name and phone, the total
#   67-web-phone-confirmation.png   back from Checkout: confirmed, the code and its QR code
#   68-71-web-desktop-….png         the same at 1280x800
#   72-web-phone-details-es.png     in Spanish, a plate refused next to its field
#
# Usage: scripts/web-screenshots.sh [OUTPUT_FOLDER]   (default docs/screenshots)
# Needs node, scripts/setup-npm.sh's packages and Debian's chromium; builds
# nothing (scripts/build.sh first). Everything it starts is stopped again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${BUILD_DIR:-$root/build}/bin"
out=$(mkdir -p "${1:-$root/docs/screenshots}" && cd "${1:-$root/docs/screenshots}" && pwd)

for program in carwash-server carwash-admin; do
  if [ ! -x "$bin/$program" ]; then
    echo "web-screenshots: $bin/$program is missing; run scripts/build.sh first" >&2
    exit 1
  fi
done
"$root/scripts/setup-npm.sh"

home=$(mktemp -d /tmp/carwash-web-shots-XXXXXX)
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config"
unset DATABASE_URL DB_MAX_CONNECTIONS DB_POOL_TIMEOUT DB_CONNECT_TIMEOUT
export CARWASH_LANG=en
fake_pid="" server_pid="" server_root=""
cleanup() {
  local status=$?
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null || true
  "$bin/carwash-admin" db stop >/dev/null 2>&1 || true
  # Under root the embedded cluster lives outside HOME; take it away too.
  if [ -n "$server_root" ] && [[ "$server_root" == /var/lib/carwash-desk/* ]]; then
    rm -rf "$server_root"
  fi
  rm -rf "$home"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

wait_for_line() { # FILE PATTERN: the first matching line, within 30 s
  for _ in $(seq 300); do
    if grep -q "$2" "$1" 2>/dev/null; then
      grep -m1 "$2" "$1"
      return 0
    fi
    sleep 0.1
  done
  echo "web-screenshots: no \"$2\" in $1:" >&2
  cat "$1" >&2
  return 1
}

echo "web-screenshots: starting the embedded database and the demo car wash"
"$bin/carwash-admin" seed --demo >/dev/null
server_root=$("$bin/carwash-admin" db status --json | sed -n 's/.*"data_directory": *"\(.*\)\/data".*/\1/p')

node "$root/tests/harness/fakestripe/fake-stripe.mjs" --port 0 --seed 7 >"$home/fake.log" 2>&1 &
fake_pid=$!
stripe="http://127.0.0.1:$(wait_for_line "$home/fake.log" FAKE_STRIPE_LISTENING | awk '{ print $2 }')"
whsec=whsec_web_screenshots$(date +%s)
STRIPE_SECRET_KEY=sk_test_carwashFakeStripeKey0000000000 STRIPE_WEBHOOK_SECRET=$whsec STRIPE_API_BASE=$stripe \
  CARWASH_REQUEST_POLL_MS=300 "$bin/carwash-server" --listen 127.0.0.1:0 >"$home/server.log" 2>&1 &
server_pid=$!
server=$(wait_for_line "$home/server.log" "carwash-server listening on" | sed 's/.* on //')
curl -fsS -H 'Content-Type: application/json' \
  -d "{\"url\": \"$server/stripe/webhook\", \"secrets\": [\"$whsec\"]}" "$stripe/_fake/webhook" >/dev/null
for _ in $(seq 300); do
  curl -fsS "$server/api/services" >/dev/null 2>&1 && break
  sleep 0.1
done

# The demo's second wash, for a car; the day after tomorrow, a full day.
day=$(date -d '+2 days' +%F)
node "$root/tests/npm/bookingpage-browser.mjs" screenshots \
  "{\"base\": \"$server\", \"out\": \"$out\", \"service\": 2, \"vehicle\": \"car\", \"day\": \"$day\",
    \"plate\": \"WEB\", \"name\": \"Alex Morgan\", \"phone\": \"+1 555 0142\"}" >/dev/null
echo "web-screenshots: saved 64-72 in $out"
