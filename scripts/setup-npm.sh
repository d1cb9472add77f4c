#!/usr/bin/env bash
# Installs the npm packages of tests/npm, pinned by package-lock.json:
# Stripe's official `stripe` library the Stripe cross-checks run against,
# and puppeteer-core (with jsqr, a QR reader) that drives Debian's chromium
# through the booking page (tst_bookingpage, scripts/web-screenshots.sh).
# Quiet and idempotent: runs `npm ci` only when node_modules is missing or
# older than the lock file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/npm"
installed="$dir/node_modules/.package-lock.json" # npm writes it on every install

if [ -f "$installed" ] && [ ! "$dir/package-lock.json" -nt "$installed" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup-npm: npm is not on PATH; run scripts/setup-deps.sh first" >&2
  exit 1
fi
echo "setup-npm: npm ci in tests/npm"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
touch "$installed"
