#!/usr/bin/env bash
# Builds carwash-desk_<version>_amd64.deb with Debian's hardening flags
# (scripts/configure.sh: PIE, relro and now, fortify, stack protector), then
# checks it with lintian (the remaining tags are overridden in
# packaging/debian/lintian-overrides, each with why). Prints the .deb's path.
#
# It builds in build-package/ (without the tests), or in $PACKAGE_BUILD_DIR:
# PACKAGE_BUILD_DIR=build packages the tree scripts/build.sh made and the
# tests ran (CI does), adding only the package's files; it refuses a tree
# configured with other compiler flags.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PACKAGE_BUILD_DIR:-$root/build-package}
jobs=${BUILD_JOBS:-$(nproc)}
# shellcheck source=configure.sh
source "$root/scripts/configure.sh"
if [ -f "$build/CMakeCache.txt" ]; then
  have=$(sed -n 's/^CMAKE_CXX_FLAGS:STRING=//p' "$build/CMakeCache.txt")
  if [ "$have" != "$(carwash_release_flags)" ]; then
    echo "package: $build was configured with CMAKE_CXX_FLAGS=\"$have\", not the release flags" \
      "\"$(carwash_release_flags)\"; build the package in a folder of its own (unset PACKAGE_BUILD_DIR)." >&2
    exit 2
  fi
  cmake -B "$build" -DCMAKE_INSTALL_PREFIX=/usr -DCARWASH_PACKAGE=ON >/dev/null
else
  carwash_configure "$build" -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF -DCARWASH_PACKAGE=ON >/dev/null
fi
cmake --build "$build" -j "$jobs" --target carwash carwash-admin carwash-server carwash_package_files carwash_changelog >&2
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/carwash-desk_*_amd64.deb)
# Errors and warnings fail; informational tags are shown, not fatal.
lintian --fail-on error,warning --info "$deb" >&2
echo "$deb"
