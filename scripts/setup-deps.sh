#!/usr/bin/env bash
# Installs every Debian package CarWash Desk needs to build, run and test.
# Non-interactive and idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  # build-essential brings dpkg-dev: every build takes Debian's hardening
  # flags from dpkg-buildflags (scripts/configure.sh).
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6sql6-psql libqt6opengl6-dev
  qt6-charts-dev qtkeychain-qt6-dev qt6-tools-dev qt6-tools-dev-tools
  qt6-l10n-tools qt6-httpserver-dev qt6-websockets-dev qt6-svg-dev
  libqrencode-dev libxkbcommon-dev qt6-qpa-plugins qt6-translations-l10n
  fonts-dejavu-core
  # The kiosk's speech mode: Qt TextToSpeech (its CMake package needs
  # QmlIntegration from qt6-declarative-dev, which Debian's qt6-speech-dev
  # does not pull in), the speech-dispatcher plugin with espeak-ng's voices
  # (English, Spanish, German) and Flite (English only) as the fallback.
  qt6-speech-dev qt6-declarative-dev qt6-speech-speechd-plugin qt6-speech-flite-plugin
  speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
  libpq-dev postgresql postgresql-contrib pgbouncer
  # carwash-admin backup/restore and the desk's daily backup run PostgreSQL
  # 15's own pg_dump, pg_restore and psql (/usr/lib/postgresql/15/bin), never
  # another major version's; named so a newer default cannot replace them.
  postgresql-client-15
  wrk
  # tst_openapi reads docs/openapi.yaml with python3's yaml module.
  python3-yaml
  # The local SMTP server the confirmation e-mail tests send to, and the
  # self-signed certificate its TLS tests make.
  python3-aiosmtpd openssl
  xvfb xauth dbus gnome-keyring
  # The booking page's browser tests and pictures: headless Chromium driven
  # by puppeteer-core (tests/npm), which never downloads a browser of its own.
  chromium
  # scripts/fuzz.sh: clang with libFuzzer, ASan and UBSan (their runtimes are
  # in libclang-rt-14-dev, only a recommendation of clang-14's).
  clang libclang-rt-14-dev
  # The Debian package (scripts/package.sh, scripts/package-test.sh): its
  # icons rendered from the SVG, man pages from the programs' --help,
  # shlibdeps, and the checks of package, desktop
  # entries, metainfo and units; cage is what the kiosk unit starts.
  librsvg2-bin help2man dpkg-dev lintian desktop-file-utils appstream file cage
  # scripts/configure.sh compiles through ccache: package-test.sh's build of
  # the previous release then finds every source it shares with this tree.
  ccache
)
# Node (>= 18) and npm run the fake Stripe and the cross-checks with
# Stripe's official npm package. A node already on PATH (e.g. a newer one
# from elsewhere) is used as it is; only without one are Debian's installed.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# The Debian postgresql package creates and starts a system cluster; we never
# use it (tests and the embedded default run their own), so keep it from starting.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
