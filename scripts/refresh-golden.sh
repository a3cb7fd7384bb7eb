#!/usr/bin/env bash
# Rewrites tests/cli/golden/ from the current build: the bundled example's
# report in text and JSON, as tests/cli/golden_report_test.cpp compares them,
# and the text report of fixtures/big-history.
# Run it after a change that is meant to alter the report, then read the diff
# (git diff tests/cli/golden) before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PGADVISE_BIN:-build/pgadvise}
[ -x "$bin" ] || scripts/build.sh pgadvise
export -n NO_COLOR
"$bin" lint fixtures/drizzle-app --color never > tests/cli/golden/drizzle-app.txt || [ $? -eq 1 ]
"$bin" lint fixtures/drizzle-app --format json > tests/cli/golden/drizzle-app.json || [ $? -eq 1 ]
# A real-sized history (fixtures/big-history/generate.py): tests/cli/real_sized_report_test.cpp.
"$bin" lint fixtures/big-history --color never > tests/cli/golden/big-history.txt || [ $? -eq 1 ]
git --no-pager diff --stat -- tests/cli/golden
