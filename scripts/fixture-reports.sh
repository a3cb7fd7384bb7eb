#!/usr/bin/env bash
# Every fixture's report, to compare two builds (a refactor or a speed change
# must leave them byte for byte as they were):
#
#   scripts/fixture-reports.sh OUT_DIR [PGADVISE]      write the reports
#   scripts/fixture-reports.sh --diff DIR_A DIR_B      compare two such folders
#
# Inputs, each linted from the checkout's root with `--fail-on none` in the
# JSON and text formats:
#   - every rule fixture (fixtures/rules/<id>/bad_* and good_*, files or
#     folders);
#   - every project folder: the bundled apps at fixtures/ and each folder
#     of fixtures/{real-shapes,fix,push,discovery,schema-ts,snapshots,sql,
#     drizzle-history,big-history,verify-locks};
#   - every log under fixtures/logs and every rule fixture that is a log,
#     alone (`lint --log LOG`, or --pgss, of an empty folder), and every
#     real-shapes app with each of its own logs.
# The JSON's elapsed_ms and timings are dropped (they differ run to run).
# PGADVISE defaults to build/pgadvise. Runs two at a time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${1:-}" == "--diff" ]]; then
  a="${2:?usage: fixture-reports.sh --diff DIR_A DIR_B}"
  b="${3:?usage: fixture-reports.sh --diff DIR_A DIR_B}"
  if diff -rq "$a" "$b" >/dev/null; then
    echo "fixture-reports: $(find "$a" -type f | wc -l) reports, all identical"
    exit 0
  fi
  diff -rq "$a" "$b" | sed 's/^/  /'
  echo "fixture-reports: $(diff -rq "$a" "$b" | wc -l) of $(find "$a" -type f | wc -l) reports differ" >&2
  exit 1
fi
out="${1:?usage: fixture-reports.sh OUT_DIR [PGADVISE]}"
pgadvise="${2:-$root/build/pgadvise}"
pgadvise="$(cd "$(dirname "$pgadvise")" && pwd)/$(basename "$pgadvise")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
empty="$(mktemp -d)"
trap 'rm -rf "$empty"' EXIT
# The logs are read from a folder with no project in it, by the same
# relative path from an empty folder beside a link to fixtures/, so no
# report names a temp path.
ln -s "$root/fixtures" "$empty/fixtures"
mkdir "$empty/work"
cd "$root"

# One job a line: NAME<TAB>CWD<TAB>ARGS (words without spaces, relative to CWD)...
jobs() {
  local entry dir log
  for entry in fixtures/rules/*/bad_* fixtures/rules/*/good_*; do
    case "$entry" in
      *.expected) continue ;;
      *.log | *.log.gz) printf '%s\t%s\t%s\n' "$entry" "$empty/work" "--log ../$entry" ;;
      *) printf '%s\t%s\t%s\n' "$entry" "$root" "$entry" ;;
    esac
  done
  for dir in fixtures/drizzle-app fixtures/nplus1-app fixtures/drizzle-loop-app fixtures/push-only-app \
    fixtures/{real-shapes,fix,push,discovery,schema-ts,snapshots,sql,drizzle-history,big-history,verify-locks}/*/; do
    [[ -d "$dir" ]] || continue
    dir="${dir%/}"
    printf '%s\t%s\t%s\n' "$dir" "$root" "$dir"
  done
  while IFS= read -r log; do
    case "$log" in
      */pgss.*) printf '%s\t%s\t%s\n' "$log" "$empty/work" "--pgss ../$log" ;;
      *) printf '%s\t%s\t%s\n' "$log" "$empty/work" "--log ../$log" ;;
    esac
  done < <(find fixtures/logs -type f \( -name '*.log*' -o -name '*.csv' -o -name '*.json' \) | sort)
  while IFS= read -r log; do
    dir="${log%%/logs/*}"
    printf '%s\t%s\t%s\n' "$log+app" "$root" "$dir --log $log"
  done < <(find fixtures/real-shapes -path '*/logs/*' -type f \( -name '*.log*' -o -name '*.csv' \) | sort)
}

run_one() { # NAME CWD ARGS
  local name="$1" cwd="$2" args="$3" file
  file="$out/$(printf '%s' "$name" | tr '/ ' '__')"
  # shellcheck disable=SC2086 # ARGS are words
  (cd "$cwd" && "$pgadvise" lint $args --fail-on none --format json 2>/dev/null) |
    python3 -c 'import json,sys
try:
    r = json.load(sys.stdin)
except ValueError:
    print("(no JSON report)"); sys.exit(0)
r.pop("timings", None)
(r.get("input_summary") or {}).pop("elapsed_ms", None)
json.dump(r, sys.stdout, indent=1, sort_keys=True)' >"$file.json" || true
  # shellcheck disable=SC2086
  (cd "$cwd" && NO_COLOR=1 "$pgadvise" lint $args --fail-on none 2>&1) >"$file.txt" || true
}
export -f run_one
export out pgadvise
jobs | tr '\t' '\037' | xargs -d '\n' -P 2 -I{} bash -c 'IFS=$'"'"'\037'"'"' read -r n c a <<<"$1"; run_one "$n" "$c" "$a"' _ {}
echo "fixture-reports: $(find "$out" -type f | wc -l) reports in $out"
