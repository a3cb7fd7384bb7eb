# What every packaging test starts with (sourced, not run): its three
# arguments, the version, the bundle's name, a temp folder removed on exit,
# and `fail`, which counts a failed check and lets the test go on, so one
# run lists every broken piece; `finish` exits 1 when any check failed.
# Usage in a test: source "$(dirname "$0")/common.sh" "$@"
set -euo pipefail
source_dir="$1"
build_dir="$2"
dist_dir="$3"
version="$(cat "$build_dir/pgadvise-version.txt")"
tarball="$dist_dir/pgadvise-$version-linux-x64.tar.gz"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The last line of a test: its verdict.
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "$1 ok"
}
