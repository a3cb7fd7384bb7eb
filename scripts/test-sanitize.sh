#!/usr/bin/env bash
# The sanitizer stage, which .ci/run runs after the quick tier
# (scripts/test.sh):
#  1. builds build-asan/ (scripts/build-asan.sh: clang-14, AddressSanitizer +
#     UndefinedBehaviorSanitizer + libFuzzer coverage): the test binary, the
#     tool and every fuzz target, from one set of objects;
#  2. runs the whole suite there (leaks count; any UB report fails its test),
#     with clang-tidy alongside (scripts/check-style.sh --tidy), since the
#     suite spends much of its time waiting on PostgreSQL;
#  3. runs every fuzz target briefly (scripts/fuzz.sh, PGADVISE_FUZZ_SECONDS
#     each, default 10) over its seeds and any corpus kept from earlier runs.
# g++'s warnings need no check here: the quick tier built everything with
# g++ and -Werror.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
scripts/install-deps.sh
scripts/build-asan.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
nice -n 10 scripts/check-style.sh --tidy >build-asan/check-style.log 2>&1 &
style_pid=$!
status=0
(cd build-asan && ctest --output-on-failure -j"$(nproc)") || status=1
if ! wait "$style_pid"; then
  status=1
fi
cat build-asan/check-style.log >&2
if [ "$status" != 0 ]; then
  echo "test-sanitize: failed (the suite's output above, then clang-tidy's)" >&2
  exit 1
fi
scripts/fuzz.sh "${PGADVISE_FUZZ_SECONDS:-10}"
echo "test-sanitize: the sanitizer suite, clang-tidy and every fuzz target passed in $((SECONDS - start)) s" >&2
