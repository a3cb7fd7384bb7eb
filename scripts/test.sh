#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test, then the
# style checks (clang-format, clang-tidy). This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")
scripts/check-style.sh
