#!/usr/bin/env bash
# Sourced by build.sh and package.sh: the one way a release tree is
# configured, so the tree the tests run and the .deb are the same objects.
# RelWithDebInfo with Debian's hardening flags (dpkg-buildflags with
# hardening=+all: fortify, stack protector, relro and now, format checks),
# ccache when it is installed, with the source root as its base folder, so
# the same sources in another folder (package-test.sh builds the previous
# release in build-previous.*/ under the root) hit what this tree cached.
#   carwash_release_flags          prints the CMAKE_CXX_FLAGS the tree needs
#   carwash_configure DIR [ARG…]   configures DIR with them (and ARG…)

carwash_buildflag() {
  # dpkg-buildflags maps the folder it runs in to "." (-ffile-prefix-map):
  # run from the source root, so every caller gets the same flags.
  (cd "$root" && DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1")
}

carwash_release_flags() {
  echo "$(carwash_buildflag CXXFLAGS) $(carwash_buildflag CPPFLAGS)"
}

carwash_configure() {
  local dir=$1
  shift
  local extra=()
  if command -v ccache >/dev/null 2>&1; then
    # ccache hashes paths under CCACHE_BASEDIR relative to the build folder.
    extra+=("-DCMAKE_CXX_COMPILER_LAUNCHER=env;CCACHE_BASEDIR=$root;ccache")
  fi
  local ldflags
  ldflags=$(carwash_buildflag LDFLAGS)
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${extra[@]}" \
    -DCMAKE_CXX_FLAGS="$(carwash_release_flags)" \
    -DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_SHARED_LINKER_FLAGS="$ldflags" "$@"
}
