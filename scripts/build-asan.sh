#!/usr/bin/env bash
# Configures and builds the sanitizer build into build-asan/: clang-14, every
# object compiled with AddressSanitizer + UndefinedBehaviorSanitizer and
# libFuzzer's coverage instrumentation (PGADVISE_SANITIZE). The same objects
# make the sanitized test binary and the fuzz targets (tests/fuzz/), so one
# build serves scripts/test.sh's sanitizer stage and scripts/fuzz.sh.
# -O1 with line tables only: the usual fuzzing trade-off, and it compiles
# far faster than -O2 -g on a 2-core machine. Executables are linked
# without PIE: the instrumented test binary carries 2.9 million relocations
# that the loader applied at every start, and the suite starts it once a
# test (0.7 to 0.55 s a start; pgadvise itself 0.45 to 0.25 s). With
# target names, builds only those (default: the test binary, the tool and
# every fuzz target).
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
generator=()
if command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
if [ ! -f build-asan/CMakeCache.txt ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_EXE_LINKER_FLAGS="-no-pie" \
    -DPGADVISE_WERROR=ON -DPGADVISE_SANITIZE=ON >/dev/null
fi
targets=()
for target in "${@:-pgadvise_tests pgadvise pgadvise_fuzz}"; do
  for name in $target; do
    targets+=(--target "$name")
  done
done
cmake --build build-asan -j"$(nproc)" "${targets[@]}"
