#!/usr/bin/env bash
# The log-reading benchmark, in one command:
#   bench/run.sh [--size MB] [--log FILE] [--skip-pgbadger] [--out DIR]
#
# 1. makes a real PostgreSQL 15 stderr log of about MB megabytes (default 1000)
#    with a throwaway cluster and pgbench, with a planted N+1
#    (bench/make-log.sh; skipped when --log FILE is given or DIR/bench.log exists),
# 2. builds pgadvise with optimizations (BUILD_DIR, default build-bench/),
# 3. installs pgbadger from Debian when missing (apt-get; needs root),
# 4. times, from a warm page cache, with /usr/bin/time:
#      wc -l, pgadvise lint --log (both cores), pgadvise with one parsing
#      thread, pgbadger -j1 and pgbadger -j2,
#    and, when the csvlog and jsonlog of the same events are there
#    (make-log.sh writes DIR/bench.csv and DIR/bench.json), pgadvise and
#    pgbadger -j2 on each, with each tool's statement count per format,
# 5. checks the planted N+1 is the only n-plus-one finding, with the right
#    burst size (20) and parent statement,
# 6. writes DIR/results.md (default DIR: /tmp/pgadvise-bench) and prints it.
#
# pgbadger reads about 3 MB/s here: on 1 GB, -j1 takes several minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
size_mb=1000
log=""
skip_pgbadger=0
out="${BENCH_DIR:-/tmp/pgadvise-bench}"
build="${BUILD_DIR:-$root/build-bench}"
prefix='%m [%p] %q%u@%d '

while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) size_mb="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --skip-pgbadger) skip_pgbadger=1; shift ;;
    --out) out="$2"; shift 2 ;;
    *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [[ -z "$log" ]]; then
  log="$out/bench.log"
  if [[ ! -s "$log" ]]; then
    echo "== making a ${size_mb} MB log (bench/make-log.sh)" >&2
    "$here/make-log.sh" "$log" "$size_mb"
  fi
fi
[[ -s "$log" ]] || { echo "bench: no log at $log" >&2; exit 2; }

echo "== building pgadvise (release) in $build" >&2
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target pgadvise pgadvise_logread >/dev/null
pgadvise="$build/pgadvise"
logread="$build/pgadvise_logread"

if [[ "$skip_pgbadger" == 0 ]] && ! command -v pgbadger >/dev/null 2>&1; then
  echo "== installing pgbadger (Debian package)" >&2
  if [[ "$(id -u)" == 0 ]]; then
    apt-get install -y -q pgbadger >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q pgbadger >/dev/null; }
  else
    sudo apt-get install -y -q pgbadger >/dev/null
  fi
fi

bytes="$(stat -c %s "$log")"
empty="$out/empty-project" # no schema: only the workload rules run
mkdir -p "$empty"
results="$out/times.tsv"
: >"$results"

# measure NAME COMMAND...: elapsed seconds and peak RSS (KiB) into times.tsv.
measure() {
  local name="$1"
  shift
  echo "== $name" >&2
  cat "$log" >/dev/null # warm cache: every tool reads from memory
  /usr/bin/time -f "%e %M %U %S" -o "$out/time.txt" "$@" >"$out/$name.out" 2>"$out/$name.err" || {
    echo "bench: $name failed (see $out/$name.err)" >&2
    return 1
  }
  read -r seconds rss user sys <"$out/time.txt"
  printf '%s\t%s\t%s\t%s\n' "$name" "$seconds" "$rss" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" >>"$results"
  echo "   $seconds s, peak RSS $((rss / 1024)) MB" >&2
}

measure "wc -l" wc -l "$log"
measure "pgadvise lint --log" "$pgadvise" lint "$empty" --log "$log" --format json --fail-on none
measure "pgadvise, 1 parsing thread" "$logread" --threads 1 "$log"
if [[ "$skip_pgbadger" == 0 ]]; then
  measure "pgbadger -j1" pgbadger -q -j 1 -f stderr -p "$prefix" -o "$out/pgbadger-j1.html" "$log"
  measure "pgbadger -j2" pgbadger -q -j 2 -f stderr -p "$prefix" -o "$out/pgbadger-j2.html" "$log"
fi

# The same events as csvlog and jsonlog: pgadvise and pgbadger on each, and
# each tool's statement count (pgbadger's from its JSON output).
base="${log%.log}"
: >"$out/counts.tsv"
for format in stderr csv jsonlog; do
  case "$format" in stderr) file="$log" ;; csv) file="$base.csv" ;; jsonlog) file="$base.json" ;; esac
  [[ -s "$file" ]] || continue
  if [[ "$format" != stderr ]]; then
    measure "pgadvise lint --log ($format)" "$pgadvise" lint "$empty" --log "$file" --format json --fail-on none
  fi
  ours="$("$logread" "$file" | sed -n 's/^statements: \([0-9]*\).*/\1/p')"
  theirs="-"
  if [[ "$skip_pgbadger" == 0 ]]; then
    prefix_args=()
    [[ "$format" == stderr ]] && prefix_args=(-p "$prefix")
    if [[ "$format" != stderr ]]; then
      measure "pgbadger -j2 ($format)" pgbadger -q -j 2 -f "$format" "${prefix_args[@]}" -o "$out/pgbadger-$format.html" "$file"
    fi
    pgbadger -q -j 2 -f "$format" "${prefix_args[@]}" -o "$out/pgbadger-$format.json" "$file"
    theirs="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["overall_stat"]["queries_number"])' "$out/pgbadger-$format.json")"
  fi
  printf '%s\t%s\t%s\t%s\n' "$format" "$(basename "$file")" "$ours" "$theirs" >>"$out/counts.tsv"
done

# Statements in the log (pgadvise's count) and the N+1 check.
python3 - "$out" "$bytes" "$log" <<'PY'
import json, os, platform, subprocess, sys
out, size, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
report = json.load(open(os.path.join(out, "pgadvise lint --log.out")))
statements = 0
for note in report["notes"]:
    if note.startswith("read ") and " statements" in note:
        statements = int(note.rsplit(", ", 1)[1].split(" ")[0])
n1 = [f for f in report["findings"] if f["rule"] == "n-plus-one"]
ok = len(n1) == 1
detail = ""
if n1:
    f = n1[0]
    text = f["message"] + " " + " ".join(e.get("detail", "") for e in f.get("evidence", []))
    ok = ok and "books WHERE author_id" in text and "authors WHERE id BETWEEN" in text \
        and ("max 20" in text or "20 per burst" in text)
    detail = f["message"]
check = ("planted N+1 found (books by author_id, 20 per burst, after the authors query), "
         "no other n-plus-one finding" if ok else "N+1 CHECK FAILED: %d n-plus-one findings: %s" % (len(n1), detail))

rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "times.tsv"))]
cpu = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
mem = int(open("/proc/meminfo").readline().split()[1]) // (1024 * 1024)
lines = ["Log: %s, %.0f MB, %d statements (PostgreSQL 15 stderr, prefix '%%m [%%p] %%q%%u@%%d ')." %
         (os.path.basename(log), size / 1e6, statements),
         "Machine: %d cores (%s), %d GB RAM, %s; files read from the page cache." %
         (os.cpu_count(), cpu, mem, platform.platform()),
         "Load average when the table was written: %.1f (other jobs on the machine slow every tool alike)." %
         os.getloadavg()[0],
         "",
         "| tool | time (s) | CPU (s) | MB/s | statements/s | peak RSS (MB) |",
         "|---|---:|---:|---:|---:|---:|"]
for name, seconds, rss, cpu_s in rows:
    s = max(float(seconds), 0.001)
    lines.append("| %s | %.2f | %.2f | %.1f | %s | %.0f |" % (
        name, s, float(cpu_s), size / 1e6 / s, "-" if name == "wc -l" else "{:,.0f}".format(statements / s),
        int(rss) / 1024))
lines += ["", "Statements per format (the same events; pgbadger's count from its JSON output):", "",
          "| format | file | pgadvise | pgbadger |", "|---|---|---:|---:|"]
for row in (l.rstrip("\n").split("\t") for l in open(os.path.join(out, "counts.tsv"))):
    lines.append("| %s | %s | %s | %s |" % tuple(row))
    if row[3] != "-" and row[2] != row[3]:
        ok = False
        check += "; STATEMENT COUNTS DIFFER for " + row[0]
lines += ["", "N+1 check: " + check]
text = "\n".join(lines) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
print(text)
sys.exit(0 if ok else 1)
PY
