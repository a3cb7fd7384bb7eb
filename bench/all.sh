#!/usr/bin/env bash
# Issue 23's performance table, in one command:
#   bench/all.sh [--out DIR] [--log FILE] [--docs] [--skip-100k]
#
# 1. installs the yardsticks from Debian when missing: hyperfine, pgbadger,
#    gzip, bzip2, xz-utils, zstd (apt-get; needs root),
# 2. builds pgadvise with optimizations (BUILD_DIR, default build-bench/;
#    PGADVISE=path/to/pgadvise times that binary instead),
# 3. logs: makes the 1 GB PostgreSQL 15 stderr log if missing
#    (bench/make-log.sh), times `wc -l` and `pgadvise lint --log` on it; cuts
#    a 200 MB slice, compresses it once with gzip, bzip2, zstd, pzstd (many
#    frames) and xz, and
#    times each decompressor alone (to /dev/null) next to `pgadvise lint
#    --log` on the compressed file; times pgbadger -j2 on a 50 MB slice,
# 4. schemas: bench/scale.sh 10000 100000 (the issue's shape),
# 5. repositories: bench/make-repo.py (300 migrations, 3,000 source files,
#    5,000 node_modules files), then `pgadvise lint .` at its root; the
#    same at the root of bench/make-real-repo.py's real-shaped monorepo
#    (18,000 files) and of its folder of 20 such projects,
# 6. with REAL_REPOS=DIR (checkouts of bench/real-repos.list, fetched
#    beforehand; REAL_FOLDER=DIR a folder of many), bench/real-repos.sh's
#    real-repository table,
# 7. writes DIR/results.md (default DIR: /tmp/pgadvise-bench) and, with
#    --docs (or its old name --readme), puts it in docs/benchmarks.md
#    between the bench-table markers.
#
# Wall times are hyperfine medians (warm page cache) where a command takes
# seconds, single /usr/bin/time runs where it takes minutes; peak RSS is
# from /usr/bin/time -v. Run it alone on the machine: other jobs slow
# every row (the load average is printed with the table).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${BENCH_DIR:-/tmp/pgadvise-bench}"
build="${BUILD_DIR:-$root/build-bench}"
log=""
readme=0
sizes=(10000 100000)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --docs | --readme) readme=1; shift ;;
    --skip-100k) sizes=(10000); shift ;;
    *) sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# 1. Install step: the benchmark's own tools, not the test suite's.
missing=()
for pair in hyperfine:hyperfine pgbadger:pgbadger gzip:gzip bzip2:bzip2 xz:xz-utils zstd:zstd pzstd:zstd; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "== installing ${missing[*]} (Debian packages)" >&2
  sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null ||
    { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# 2. Build (PGADVISE=path/to/pgadvise times that binary instead, e.g. the
# RelWithDebInfo build/pgadvise of scripts/build.sh).
pgadvise="${PGADVISE:-}"
if [[ -z "$pgadvise" ]]; then
  echo "== building pgadvise (release) in $build" >&2
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target pgadvise >/dev/null
  pgadvise="$build/pgadvise"
fi
pgadvise="$(realpath "$pgadvise")"

rows="$out/all.tsv" # section, what, input MB, seconds, CPU seconds, peak RSS KiB, goal seconds
: >"$rows"

# time_once SECTION NAME MB GOAL COMMAND...: one /usr/bin/time -v run.
time_once() {
  local section="$1" name="$2" mb="$3" goal="$4"
  shift 4
  echo "== $name" >&2
  /usr/bin/time -v -o "$out/time.txt" "$@" >/dev/null 2>"$out/last.err" || true
  local wall rss cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$out/time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ { sum += $2 } END { print sum }' "$out/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$name" "$mb" "$wall" "$cpu" "$rss" "$goal" >>"$rows"
}

# time_median SECTION NAME MB GOAL SHELL-COMMAND: hyperfine's median of 3
# runs after a warm-up, and one more run under /usr/bin/time for peak RSS.
time_median() {
  local section="$1" name="$2" mb="$3" goal="$4" command="$5"
  echo "== $name" >&2
  hyperfine --style none --warmup 1 --runs 3 --export-json "$out/hyperfine.json" --output null "$command" >/dev/null
  /usr/bin/time -v -o "$out/time.txt" bash -c "$command" >/dev/null 2>"$out/last.err" || true
  local rss
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
  python3 - "$out/hyperfine.json" "$section" "$name" "$mb" "$rss" "$goal" >>"$rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("\t".join([sys.argv[2], sys.argv[3], sys.argv[4], "%.3f" % r["median"], "%.3f" % (r["user"] + r["system"]),
                 sys.argv[5], sys.argv[6]]))
PY
}

# 3. Logs.
if [[ -z "$log" ]]; then
  log="$out/bench.log"
  [[ -s "$log" ]] || "$here/make-log.sh" "$log" 1000
fi
empty="$out/empty-project" # no schema: only the workload rules run
mkdir -p "$empty"
log_mb=$(awk -v b="$(stat -c %s "$log")" 'BEGIN { printf "%.1f", b / 1e6 }')
lint_log="'$pgadvise' lint '$empty' --format json --fail-on none --log"
time_median logs "wc -l" "$log_mb" - "wc -l '$log'"
time_median logs "pgadvise lint --log" "$log_mb" "$(awk -v m="$log_mb" 'BEGIN { print m / 1000 }')" "$lint_log '$log'"

slice="$out/slice.log"
if [[ ! -s "$slice" || "$slice" -ot "$log" ]]; then
  head -c 200000000 "$log" | sed '$d' >"$slice" # whole lines only
  rm -f "$slice".*
fi
slice_mb=$(awk -v b="$(stat -c %s "$slice")" 'BEGIN { printf "%.1f", b / 1e6 }')
time_median compressed "pgadvise lint --log (the 200 MB slice, uncompressed)" "$slice_mb" - "$lint_log '$slice'"
for format in gzip:gz bzip2:bz2 zstd:zst pzstd:pzst xz:xz; do # pzst: several frames, as pzstd writes
  tool="${format%%:*}" ext="${format#*:}"
  [[ -s "$slice.$ext" ]] || "$tool" -q -c "$slice" >"$slice.$ext"
  time_median compressed "$tool -dc (the decompressor alone)" "$slice_mb" - "$tool -dc '$slice.$ext' >/dev/null"
  time_median compressed "pgadvise lint --log ($ext)" "$slice_mb" decompressor "$lint_log '$slice.$ext'"
done

small="$out/slice50.log"
[[ -s "$small" && "$small" -nt "$log" ]] || head -c 50000000 "$log" | sed '$d' >"$small"
small_mb=$(awk -v b="$(stat -c %s "$small")" 'BEGIN { printf "%.1f", b / 1e6 }')
time_once logs "pgbadger -j2 (first 50 MB)" "$small_mb" - \
  pgbadger -q -j 2 -f stderr -p '%m [%p] %q%u@%d ' -o "$out/pgbadger.html" "$small"

# 4. Schemas: scale.sh writes the migration and times it; its .time files
# hold the figures.
for n in "${sizes[@]}"; do
  goal=$([[ "$n" -le 10000 ]] && echo 1 || echo 10)
  PGADVISE="$pgadvise" BENCH_DIR="$out" "$here/scale.sh" "$n" >"$out/scale_$n.md"
  sql_mb=$(awk -v b="$(stat -c %s "$out/scale_$n.sql")" 'BEGIN { printf "%.1f", b / 1e6 }')
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$out/scale_$n.time")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/scale_$n.time")
  cpu=$(awk -F': ' '/User time|System time/ { sum += $2 } END { print sum }' "$out/scale_$n.time")
  findings=$(grep -c '"rule": ' "$out/scale_$n.json" || true)
  printf 'schema\t%s tables, %s findings\t%s\t%s\t%s\t%s\t%s\n' "$n" "$findings" "$sql_mb" "$wall" "$cpu" "$rss" "$goal" >>"$rows"
done

# 5. A monorepo.
repo="$out/monorepo"
python3 "$here/make-repo.py" "$repo" 300 3000 5000 >"$out/monorepo.txt"
files=$(find "$repo" -type f | wc -l)
time_median repository "pgadvise lint . ($files files, 300 migrations)" - 1 \
  "cd '$repo' && '$pgadvise' lint . --format json --fail-on none"
# A repository shaped like a real monorepo (bench/make-real-repo.py: 18,000
# files, 3,000 of them reaching the database package through workspace
# packages and barrels, 500 helpers with common names, files up to 5,000
# lines), and a folder of 20 such projects.
real="$out/real-repo"
python3 "$here/make-real-repo.py" repo "$real" 18000 1 >"$out/real-repo.txt"
time_median repository "pgadvise lint . (real-shaped monorepo, $(cut -d' ' -f1 "$out/real-repo.txt") files)" - 1 \
  "cd '$real' && '$pgadvise' lint . --format json --fail-on none"
folder="$out/real-folder"
python3 "$here/make-real-repo.py" folder "$folder" 20 1 >"$out/real-folder.txt"
time_median repository "pgadvise lint . (20 real-shaped projects, $(cut -d' ' -f1 "$out/real-folder.txt") files)" - 10 \
  "cd '$folder' && '$pgadvise' lint . --format json --fail-on none"

# 6. The table (bench/table.py can write it again from all.tsv and load.txt).
awk '{ print $1 }' /proc/loadavg >"$out/load.txt"
python3 "$here/table.py" "$rows" "$out/load.txt" "$out/results.md"

# 7. Real repositories: with REAL_REPOS, a folder of checkouts of
# bench/real-repos.list fetched beforehand (and REAL_FOLDER, a folder of
# many checkouts), bench/real-repos.sh's table follows the one above.
if [[ -n "${REAL_REPOS:-}" ]]; then
  PGADVISE="$pgadvise" "$here/real-repos.sh" --list "$here/real-repos.list" --repos "$REAL_REPOS" \
    ${REAL_FOLDER:+--folder "$REAL_FOLDER"} --out "$out/real-repos" >/dev/null
  { echo; cat "$out/real-repos/real-repos.md"; } >>"$out/results.md"
fi

if [[ "$readme" == 1 ]]; then
  python3 - "$root/docs/benchmarks.md" "$out/results.md" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
begin, end = "<!-- bench/all.sh table: begin -->\n", "<!-- bench/all.sh table: end -->\n"
a, b = text.index(begin) + len(begin), text.index(end)
open(readme, "w").write(text[:a] + table + text[b:])
PY
  echo "== docs/benchmarks.md updated" >&2
fi
