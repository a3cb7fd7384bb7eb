#!/usr/bin/env bash
# README command 2: the quick tier, run before every commit.
# Installs what is missing (scripts/install-deps.sh), builds build/ with g++
# (warnings are errors; an existing build/ is reused), runs the whole suite
# there (unit, cluster, browser and pty tests: each PostgreSQL test starts
# its own throwaway cluster), then the style check (clang-format).
# .ci/run runs this and then scripts/test-sanitize.sh (ASan + UBSan suite,
# clang-tidy, fuzz targets).
#   One tier only: (cd build && ctest -L unit)   labels: unit cluster browser pty
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")
scripts/check-style.sh
echo "test: the g++ build, the whole suite and the style check passed in $((SECONDS - start)) s" >&2
