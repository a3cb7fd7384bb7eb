#!/usr/bin/env bash
# The style CI enforces (scripts/test.sh runs it after the tests):
#   - clang-format-14 with the repo's .clang-format: every tracked .cpp/.hpp
#     must already be formatted (`scripts/check-style.sh --fix` formats them);
#   - no relative includes in src/;
#   - with --tidy (PGADVISE_TIDY=1 scripts/test.sh): clang-tidy-14 with the
#     repo's .clang-tidy over every source file of src/
#     (build/compile_commands.json; WarningsAsErrors makes any warning fail).
#     Not part of .ci/run yet: it takes about 17 s a file (over 30 minutes on
#     2 cores) and the tree still has warnings to fix.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t sources < <(git ls-files -- '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format-14 -i "${sources[@]}"
  exit 0
fi
# Includes are rooted at src/; a relative one (`#include "../rules/x.hpp"`)
# would get around the per-layer include folders the build uses.
if grep -rn --include='*.cpp' --include='*.hpp' '#include "\.\./' src; then
  echo "check-style: relative includes in src/ (root them at src/)" >&2
  exit 1
fi
echo "check-style: clang-format-14 over ${#sources[@]} files" >&2
clang-format-14 --dry-run --Werror "${sources[@]}"
if [ "${1:-}" != "--tidy" ]; then
  echo "check-style: clean (clang-tidy: scripts/check-style.sh --tidy)" >&2
  exit 0
fi
[ -f build/compile_commands.json ] || scripts/build.sh >/dev/null
echo "check-style: clang-tidy-14 over src/" >&2
run-clang-tidy-14 -p build -quiet -j"$(nproc)" "$PWD/src/.*\.cpp\$" >build/clang-tidy.log 2>&1 || {
  grep -E "(warning|error):" build/clang-tidy.log | sort -u >&2 || cat build/clang-tidy.log >&2
  echo "check-style: clang-tidy found problems (full output: build/clang-tidy.log)" >&2
  exit 1
}
echo "check-style: clean" >&2
