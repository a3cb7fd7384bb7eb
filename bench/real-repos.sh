#!/usr/bin/env bash
# `pgadvise lint .` at the root of real public repositories, as a user runs it:
#
#   bench/real-repos.sh --list FILE --repos DIR [--folder DIR] [--runs N]
#                       [--out DIR] [--compare BIN]
#
# FILE lists the repositories, one `owner/name@commit` a line (`#` starts a
# comment; an optional second word names the checkout's folder, else the
# part after the slash). Each is a checkout the user fetched beforehand
# under DIR (DIR/<folder>); nothing here uses the network. --folder DIR also
# lints DIR as a whole (a folder of many checkouts, such as 20 real apps).
#
# Each row is N runs (default 3) of
#   /usr/bin/time -v pgadvise lint . --format json --fail-on none --timings
# in the checkout; the row is the run of median wall time, with its user
# and system time, peak RSS and the time each stage took (the report's
# `timings`). The load average is read before each row: the machine may
# be shared, so user time is the figure other jobs disturb least. The reports, the --timings
# tables and /usr/bin/time's output stay in DIR (default
# /tmp/pgadvise-real-repos); the table is DIR/real-repos.md.
#
# --compare BIN also runs BIN (an older build) once per row and compares
# the two JSON reports, `elapsed_ms` and `timings` aside: the table's last
# column says `same` or where they differ (DIR/<row>.diff).
#
# PGADVISE=path/to/pgadvise times that binary (default: build/pgadvise).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgadvise="${PGADVISE:-$root/build/pgadvise}"
list=""
repos=""
folder=""
runs=3
out="/tmp/pgadvise-real-repos"
compare=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --list) list="$2"; shift 2 ;;
    --repos) repos="$2"; shift 2 ;;
    --folder) folder="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --compare) compare="$2"; shift 2 ;;
    *) sed -n '2,/^set -euo/{/^set -euo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
if [[ -z "$list" && -z "$folder" ]] || [[ -n "$list" && -z "$repos" ]]; then
  echo "real-repos.sh: give --list FILE --repos DIR, or --folder DIR (see --help)" >&2
  exit 2
fi
[[ -x /usr/bin/time ]] || { echo "real-repos.sh: needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
pgadvise="$(cd "$(dirname "$pgadvise")" && pwd)/$(basename "$pgadvise")"
[[ -z "$compare" ]] || compare="$(cd "$(dirname "$compare")" && pwd)/$(basename "$compare")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# One run: the report, the --timings table and /usr/bin/time's figures.
run_once() { # BIN DIR PREFIX
  (cd "$2" && /usr/bin/time -v -o "$3.time" "$1" lint . --format json --fail-on none --timings \
    >"$3.json" 2>"$3.timings") || true
}

# "wall user sys rss_kb" from /usr/bin/time -v's output.
time_figures() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2] }
    /User time/ { u = $2 }
    /System time/ { s = $2 }
    /Maximum resident set size/ { r = $2 }
    END { printf "%.2f %.2f %.2f %d\n", w, u, s, r }' "$1"
}

# "discovery ts schema logs rules report" in ms from the report's timings (- when a stage did not run).
stage_figures() {
  python3 - "$1" <<'EOF'
import json, sys
try:
    timings = json.load(open(sys.argv[1])).get("timings", {})
except Exception:
    print("- - - - - -"); sys.exit(0)
ms = {s["stage"]: s["wall_ms"] for s in timings.get("stages", [])}
print(" ".join(str(round(ms[n])) if n in ms else "-" for n in
               ["discovery", "typescript scan", "schema replay", "logs", "rules", "report"]))
EOF
}

# The two reports with the run-dependent values taken out; empty when the same.
compare_reports() { # OLD NEW DIFF
  python3 - "$1" "$2" >"$3" <<'EOF'
import json, sys, difflib
def load(path):
    try:
        report = json.load(open(path))
    except Exception as error:
        return ["unreadable: %s" % error]
    report.pop("timings", None)
    report.get("input_summary", {}).pop("elapsed_ms", None)
    return json.dumps(report, indent=1, sort_keys=True).splitlines()
old, new = load(sys.argv[1]), load(sys.argv[2])
sys.stdout.write("\n".join(difflib.unified_diff(old, new, "before", "after", lineterm="", n=1)))
EOF
}

rows=()
bench_row() { # LABEL COMMIT DIR
  local label="$1" commit="$2" dir="$3" name
  name="$(echo "$label" | tr '/@ ' '+__')"
  local files ts migrations load
  files=$(find "$dir" -type f -not -path '*/node_modules/*' -not -path '*/.git/*' | wc -l)
  ts=$(find "$dir" -type f \( -name '*.ts' -o -name '*.tsx' \) -not -path '*/node_modules/*' | wc -l)
  migrations=$(find "$dir" -type f -name '*.sql' -not -path '*/node_modules/*' | wc -l)
  load=$(cut -d' ' -f1 /proc/loadavg)
  local walls=()
  for ((i = 1; i <= runs; i++)); do
    run_once "$pgadvise" "$dir" "$out/$name.$i"
    walls+=("$(time_figures "$out/$name.$i.time" | cut -d' ' -f1) $i")
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" | cut -d' ' -f2)
  for ext in json timings time; do
    cp "$out/$name.$median.$ext" "$out/$name.$ext"
  done
  local wall user sys rss stages same="-"
  read -r wall user sys rss < <(time_figures "$out/$name.time")
  stages=$(stage_figures "$out/$name.json")
  if [[ -n "$compare" ]]; then
    run_once "$compare" "$dir" "$out/$name.before"
    compare_reports "$out/$name.before.json" "$out/$name.json" "$out/$name.diff"
    if [[ -s "$out/$name.diff" ]]; then
      same="differs ($(grep -c '^[-+][^-+]' "$out/$name.diff") lines, $name.diff)"
    else
      same="same"
    fi
  fi
  local s=($stages)
  rows+=("| $label | ${commit:0:12} | $files | $ts | $migrations | $wall | $user | $sys | $((rss / 1024)) | ${s[0]} | ${s[1]} | ${s[2]} | ${s[4]} | ${s[5]} | $load | $same |")
  echo "${rows[-1]}" >&2
}

if [[ -n "$list" ]]; then
  while read -r spec folder_name _; do
    [[ -z "$spec" || "$spec" == \#* ]] && continue
    repo="${spec%@*}"
    commit="${spec#*@}"
    [[ "$commit" == "$spec" ]] && commit=""
    dir="$repos/${folder_name:-${repo#*/}}"
    if [[ ! -d "$dir" ]]; then
      echo "real-repos.sh: no checkout of $repo at $dir (fetch it first)" >&2
      exit 2
    fi
    bench_row "$repo" "$commit" "$dir"
  done <"$list"
fi
if [[ -n "$folder" ]]; then
  bench_row "folder: $(basename "$folder") ($(find "$folder" -mindepth 1 -maxdepth 1 -type d | wc -l) checkouts)" "" "$folder"
fi

{
  echo "pgadvise: \`$("$pgadvise" --version 2>/dev/null | head -1)\`; $(nproc) cores; $runs runs a row, the median's figures."
  echo
  echo "| repository | commit | files | .ts/.tsx | .sql | wall (s) | user (s) | sys (s) | peak RSS (MB) | discovery (ms) | TypeScript scan (ms) | schema replay (ms) | rules (ms) | report (ms) | load | report vs --compare |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
} >"$out/real-repos.md"
cat "$out/real-repos.md"
