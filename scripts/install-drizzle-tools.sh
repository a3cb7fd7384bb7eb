#!/usr/bin/env bash
# Installs the real Drizzle tools the `pgadvise fix` round-trip tests run
# (tests/app/fix/fix_round_trip_test.cpp): drizzle-kit + drizzle-orm 0.31 and
# the 1.0 release candidate, and TypeScript's own compiler, from the npm
# registry into a cached folder. Tests never reach the network: they use
# this folder and fail (never skip) when it is missing.
# Idempotent: a folder whose pinned versions are already installed is kept.
# Usage: install-drizzle-tools.sh [DIR]   (default: pgadvise_drizzle_tools_dir below)
set -euo pipefail
dir="${1:-${PGADVISE_DRIZZLE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/pgadvise/drizzle-tools}}"

# name|packages: one folder per toolset, each a private npm project.
sets=(
  "kit-0.31|drizzle-kit@0.31.11 drizzle-orm@0.45.4"
  "kit-1.0|drizzle-kit@1.0.0-rc.5 drizzle-orm@1.0.0-rc.5"
  "typescript|typescript@5.8.3"
)
"$(dirname "$0")/npm-sets.sh" "$dir" install-drizzle-tools "${sets[@]}"
