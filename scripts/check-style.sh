#!/usr/bin/env bash
# The style and static checks CI enforces.
#   scripts/check-style.sh         clang-format-14 with the repo's .clang-format
#                                  over every tracked .cpp/.hpp, and no relative
#                                  includes in src/ (seconds)
#   scripts/check-style.sh --fix   formats every tracked .cpp/.hpp
#   scripts/check-style.sh --tidy  the above, then clang-tidy-14 with the
#                                  repo's .clang-tidy over every src/ .cpp
#                                  (flags from build-asan/compile_commands.json;
#                                  any warning fails; files unchanged since a
#                                  clean check are skipped)
#   scripts/check-style.sh --full  --tidy, and before it g++'s warnings without
#                                  building: every src/ file through
#                                  `g++ -fsyntax-only` with build/'s flags
# scripts/test.sh runs the first; scripts/test-sanitize.sh runs --tidy next
# to the sanitizer suite (the quick tier already built everything with g++
# and -Werror). Logs of the slow parts: build-asan/gcc-warnings.log,
# build-asan/clang-tidy.log.
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
mode="${1:-}"
if [ "$mode" != "--full" ] && [ "$mode" != "--tidy" ]; then
  echo "check-style: clean (clang-tidy: scripts/check-style.sh --tidy)" >&2
  exit 0
fi

generator=()
if command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
# Configure only: the compile commands are all these checks need.
if [ ! -f build/compile_commands.json ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGADVISE_WERROR=ON >/dev/null
fi
if [ ! -f build-asan/compile_commands.json ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPGADVISE_WERROR=ON -DPGADVISE_SANITIZE=ON >/dev/null
fi
mkdir -p build-asan
jobs="$(nproc)"

if [ "$mode" = "--full" ]; then
echo "check-style: g++ -fsyntax-only over src/" >&2
# One shell command per src/ file: build/'s compile command, minus the
# launcher, the object and the dependency file.
python3 - build/compile_commands.json "$PWD/src/" >build-asan/gcc-commands.txt <<'EOF'
import json, re, shlex, sys
for entry in json.load(open(sys.argv[1])):
    if not entry["file"].startswith(sys.argv[2]):
        continue
    args = shlex.split(entry["command"])
    if "ccache" in args[0]:
        args = args[1:]
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-MT", "-MF"):
            skip = True
            continue
        if arg in ("-c", "-MD"):
            continue
        out.append(arg)
    print("cd " + shlex.quote(entry["directory"]) + " && " + shlex.join(out[:-1] + ["-fsyntax-only", out[-1]]))
EOF
if ! tr '\n' '\0' <build-asan/gcc-commands.txt | xargs -0 -P"$jobs" -I{} sh -c '{}' >build-asan/gcc-warnings.log 2>&1; then
  grep -E "(warning|error):" build-asan/gcc-warnings.log >&2 || cat build-asan/gcc-warnings.log >&2
  echo "check-style: g++ warnings (full output: build-asan/gcc-warnings.log)" >&2
  exit 1
fi
fi

echo "check-style: clang-tidy-14 over src/" >&2
# Files whose preprocessed text, flags and .clang-tidy are unchanged since a
# clean check are skipped (scripts/clang-tidy-cached.py says how).
if ! scripts/clang-tidy-cached.py "$PWD/build-asan" "$PWD" "$jobs" build-asan/clang-tidy.log; then
  grep -E "(warning|error):" build-asan/clang-tidy.log | sort -u >&2 || cat build-asan/clang-tidy.log >&2
  echo "check-style: clang-tidy found problems (full output: build-asan/clang-tidy.log)" >&2
  exit 1
fi
echo "check-style: clean" >&2
