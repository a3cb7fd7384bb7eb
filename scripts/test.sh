#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test, then the
# sanitizer stage and the style checks (clang-format, clang-tidy). This is
# what .ci/run calls.
#
# Sanitizer stage (issue 12): the whole suite again from build-asan/
# (clang-14, AddressSanitizer + UndefinedBehaviorSanitizer; leaks count, any
# UB report stops the test), then a short run of every fuzz target over the
# same objects (scripts/fuzz.sh; PGADVISE_FUZZ_SECONDS each, default 20).
# PGADVISE_SKIP_SANITIZERS=1 skips the stage (a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")
if [ "${PGADVISE_SKIP_SANITIZERS:-0}" != 1 ]; then
  scripts/build-asan.sh
  (
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    cd build-asan && ctest --output-on-failure -j"$(nproc)"
  )
  scripts/fuzz.sh "${PGADVISE_FUZZ_SECONDS:-20}"
fi
scripts/check-style.sh
