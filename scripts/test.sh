#!/usr/bin/env bash
# README command 2, and what .ci/run calls. Installs what is missing, then:
#  1. builds build-asan/ (scripts/build-asan.sh: clang-14, AddressSanitizer +
#     UndefinedBehaviorSanitizer + libFuzzer coverage): the test binary, the
#     tool and every fuzz target, from one set of objects;
#  2. runs the whole suite there (leaks count; any UB report fails its test),
#     with the static checks alongside (scripts/check-style.sh --full:
#     clang-format, g++ warnings, clang-tidy), since the suite spends much of
#     its time waiting on PostgreSQL;
#  3. runs every fuzz target briefly (scripts/fuzz.sh, PGADVISE_FUZZ_SECONDS
#     each, default 10) over its seeds and any corpus kept from earlier runs.
# One build for all three is what keeps a fresh 2-core machine under 40
# minutes: a second, g++ build of the suite would cost as much again, so g++
# gets its warnings checked (--full) but builds nothing here.
#
#   scripts/test.sh --gcc   the quicker developer loop instead: the g++ build
#                           (build/, as README command 1) and the suite, then
#                           clang-format; no sanitizers, fuzzing or clang-tidy.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ "${1:-}" = "--gcc" ]; then
  scripts/build.sh
  (cd build && ctest --output-on-failure -j"$(nproc)")
  exec scripts/check-style.sh
fi

scripts/build-asan.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
nice -n 10 scripts/check-style.sh --full >build-asan/check-style.log 2>&1 &
style_pid=$!
status=0
(cd build-asan && ctest --output-on-failure -j"$(nproc)") || status=1
if ! wait "$style_pid"; then
  status=1
fi
cat build-asan/check-style.log >&2
if [ "$status" != 0 ]; then
  echo "test: failed (the suite's output above, then the static checks')" >&2
  exit 1
fi
scripts/fuzz.sh "${PGADVISE_FUZZ_SECONDS:-10}"
echo "test: the sanitizer suite, the static checks and every fuzz target passed" >&2
