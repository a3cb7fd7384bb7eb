#!/usr/bin/env bash
# README command 2: the quick tier, run before every commit.
# Installs what is missing (scripts/install-deps.sh), builds build/ with g++
# (warnings are errors; an existing build/ is reused), runs the whole suite
# there (unit, cluster, browser and pty tests: each PostgreSQL test starts
# its own throwaway cluster), then the style check (clang-format).
# .ci/run runs this and then scripts/test-sanitize.sh (ASan + UBSan suite,
# clang-tidy, fuzz targets).
#   One tier only: (cd build && ctest -L unit)   labels: unit cluster browser pty
#   One rule's loop: scripts/test.sh --rule ID   rebuilds the tool and that
#   rule's own test binary (its tests/rules/<id>*_test.cpp files and its
#   fixtures) and runs it; nothing else is compiled or run.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
if [ "${1:-}" = "--rule" ]; then
  id=${2:?usage: scripts/test.sh --rule RULE-ID}
  if [ ! -f "rules/$id.md" ]; then
    echo "test: no rule named '$id' (rules/*.md)" >&2
    exit 2
  fi
  stem=${id//-/_}
  if [ ! -f build/CMakeCache.txt ]; then
    scripts/install-deps.sh
  fi
  scripts/build.sh pgadvise "pgadvise_rule_test_$stem"
  "build/pgadvise_rule_test_$stem" "${@:3}"
  echo "test: $id's tests and fixtures passed in $((SECONDS - start)) s" >&2
  exit 0
fi
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")
scripts/check-style.sh
echo "test: the g++ build, the whole suite and the style check passed in $((SECONDS - start)) s" >&2
