#!/usr/bin/env bash
# Builds carwash-desk_<version>_amd64.deb into build-package/ (or
# $PACKAGE_BUILD_DIR) with Debian's hardening flags (dpkg-buildflags: PIE,
# relro and now, fortify, stack protector), without the tests, then checks it
# with lintian (the remaining tags are overridden in
# packaging/debian/lintian-overrides, each with why). Prints the .deb's path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PACKAGE_BUILD_DIR:-$root/build-package}
jobs=${BUILD_JOBS:-$(nproc)}
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DBUILD_TESTING=OFF -DCARWASH_PACKAGE=ON "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
  -DCMAKE_EXE_LINKER_FLAGS="$(dpkg-buildflags --get LDFLAGS)" \
  -DCMAKE_SHARED_LINKER_FLAGS="$(dpkg-buildflags --get LDFLAGS)" >/dev/null
cmake --build "$build" -j "$jobs" --target carwash carwash-admin carwash-server carwash_package_files carwash_changelog >&2
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/carwash-desk_*_amd64.deb)
# Errors and warnings fail; informational tags are shown, not fatal.
lintian --fail-on error,warning --info "$deb" >&2
echo "$deb"
