#!/usr/bin/env bash
# Configures and builds pgadvise into build/ (Release with debug info, warnings
# as errors). With target names, builds only those: `scripts/build.sh pgadvise`
# builds the tool and the libraries it links, not the test binary.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache: paths relative to the checkout and no working directory in the key,
# so a second checkout (a git worktree) reuses the first one's objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
generator=()
if command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
# The test binary needs GoogleTest (libgtest-dev): a tree configured without
# it (scripts/install-deps.sh --demo or --build-only) builds the tool alone,
# and gets the test binary once the test packages are installed.
tests=OFF
if [ -f /usr/include/gtest/gtest.h ] || [ -f /usr/local/include/gtest/gtest.h ]; then
  tests=ON
fi
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGADVISE_WERROR=ON \
    -DPGADVISE_BUILD_TESTS="$tests" >/dev/null
elif [ "$tests" = ON ] && grep -q '^PGADVISE_BUILD_TESTS:BOOL=OFF$' build/CMakeCache.txt; then
  cmake -S . -B build -DPGADVISE_BUILD_TESTS=ON >/dev/null
fi
targets=()
for target in "$@"; do
  targets+=(--target "$target")
done
cmake --build build -j"$(nproc)" "${targets[@]}"
