#!/usr/bin/env bash
# README command 2: the quick tier, run before every commit.
# Installs what is missing (scripts/install-deps.sh: what every tier needs),
# builds build/ with g++ (warnings are errors; an existing build/ is reused),
# runs the `unit` tier there (in-process tests: no child process, server,
# browser or terminal; tests/labels.cmake), then the style check
# (clang-format).
#   Every tier: scripts/test.sh --all   the unit tier and the slower ones
#   (cli: the built pgadvise and other programs; tools: drizzle-kit, tsc,
#   npm; cluster: PostgreSQL 15; browser: Chromium; pty: a terminal;
#   package: the bundle and npm packages), then the style check. .ci/run
#   runs this and then scripts/test-sanitize.sh (ASan + UBSan suite, every
#   tier; clang-tidy; fuzz targets).
#   One tier only: (cd build && ctest -L cluster)
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
tiers=(-L '^unit$')
what="the unit tier"
if [ "${1:-}" = "--all" ]; then
  tiers=()
  what="every tier"
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/test.sh [--all | --rule RULE-ID]" >&2
  exit 2
fi
scripts/install-deps.sh
scripts/build.sh
built=$SECONDS
(cd build && ctest --output-on-failure -j"$(nproc)" "${tiers[@]}")
tested=$SECONDS
scripts/check-style.sh
echo "test: the g++ build ($((built - start)) s), $what ($((tested - built)) s) and the style check passed in $((SECONDS - start)) s" >&2
