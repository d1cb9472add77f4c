#!/usr/bin/env bash
# Configures and builds CarWash Desk into build/ (or $BUILD_DIR): a release
# tree with Debian's hardening flags (scripts/configure.sh), the same one
# scripts/package.sh can make the .deb from.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=${BUILD_JOBS:-$(nproc)}
# shellcheck source=configure.sh
source "$root/scripts/configure.sh"
if [ ! -f "$build/build.ninja" ]; then
  carwash_configure "$build"
fi
cmake --build "$build" -j "$jobs"
