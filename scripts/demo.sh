#!/usr/bin/env bash
# README command 1: install what is missing, build, and run pgadvise on the
# bundled example Drizzle project.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
status=0
./build/pgadvise lint fixtures/drizzle-app --verbose || status=$?
# Exit 1 means "findings at or above --fail-on": expected for the example.
[ "$status" -le 1 ]
