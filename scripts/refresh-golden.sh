#!/usr/bin/env bash
# Rewrites tests/cli/golden/ from the current build: the bundled example's
# report in text and JSON and its pull request comment, as
# tests/cli/golden_report_test.cpp compares them,
# and the text report of fixtures/big-history.
# Run it after a change that is meant to alter the report, then read the diff
# (git diff tests/cli/golden) before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PGADVISE_BIN:-build/pgadvise}
[ -x "$bin" ] || scripts/build.sh pgadvise
export -n NO_COLOR
"$bin" lint fixtures/drizzle-app --color never > tests/cli/golden/drizzle-app.txt || [ $? -eq 1 ]
# input_summary.elapsed_ms changes from run to run: pinned to 0 (the test does the same).
"$bin" lint fixtures/drizzle-app --format json | sed -E 's/"elapsed_ms": [0-9.e+-]+/"elapsed_ms": 0/' \
  > tests/cli/golden/drizzle-app.json || [ "${PIPESTATUS[0]}" -eq 1 ]
# The pull request comment against a baseline holding part of the findings,
# with the GitHub job's variables golden_report_test.cpp sets.
env -u GITHUB_SERVER_URL -u PGADVISE_COMMIT_SHA GITHUB_REPOSITORY=acme/shop \
  GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 GITHUB_RUN_ID=4242 \
  PGADVISE_RULES_URL=https://github.com/OWNER/pgadvise/blob/v0.1.0/rules \
  "$bin" lint fixtures/drizzle-app --format github-comment --baseline tests/cli/golden/drizzle-app.baseline.json \
  > tests/cli/golden/drizzle-app.github-comment.md 2>/dev/null || [ $? -eq 1 ]
# A real-sized history (fixtures/big-history/generate.py): tests/cli/real_sized_report_test.cpp.
"$bin" lint fixtures/big-history --color never > tests/cli/golden/big-history.txt || [ $? -eq 1 ]
git --no-pager diff --stat -- tests/cli/golden
