#!/usr/bin/env bash
# The index-selection benchmark, in one command:
#   bench/index-selection/run.sh [--out DIR] [--workloads tpch,blog,nplus1-app] [--sf N]
#                                [--time-limit S] [--exhaustive-seconds S] [--pgbench-seconds S]
#                                [--no-leave-one-out] [--loo-rounds N] [--docs]
#
# For each workload, on a throwaway PostgreSQL 15 with HypoPG
# (scripts/pg-cluster.sh; every table VACUUMed and ANALYZEd after loading):
#   tpch        TPC-H at scale factor --sf (default 1): tpch/schema.sql,
#               tpch/generate.sql (our own generator of the specification's
#               sizes and distributions), tpch/keys.sql; the workload is the
#               22 queries of tpch/queries.sql, once each
#   blog        the bench/ blog workload (bench/nplus1-mix.sh's requests over
#               its tables) at 1.9 million rows (blog/schema.sql, blog/data.sql)
#               plus four requests a blog also serves (a tag page, users by
#               two jsonb settings, a new comment, a rarely run report on
#               recent logins): pgbench runs blog/requests/*.sql by weight and
#               the server's log, with durations, is the workload
#   nplus1-app  the N+1 fixture application (fixtures/nplus1-app), migrated
#               with its drizzle-kit migration and filled to 1.5 million rows
#               (nplus1-app/data.sql); its logged traffic
#               fixtures/logs/nplus1-app/s1-c12.log.xz is the workload
# then:
#   1. today's per-finding advice: `pgadvise lint --db --no-index-set` on the
#      workload, as JSON (its CREATE INDEX fixes, in report order);
#   2. pgadvise_index_bench: at budgets 0.25x, 0.5x and 1x the workload's
#      data size, the estimated workload cost (HypoPG, relative to no
#      secondary index) of pgadvise's set, the per-finding advice, dexter's
#      method and the exhaustive optimum, and each one's run time; on the
#      OLTP workloads also at 0.25x, 0.5x and 1x the size of pgadvise's own
#      set without a budget, with the best subset of that set that fits;
#   3. for the OLTP workloads (blog, nplus1-app), the real time: pgbench for
#      --pgbench-seconds (default 30) with no secondary index, with
#      pgadvise's set at each budget, with the per-finding advice and with
#      dexter's set, each built for real (CREATE INDEX, ANALYZE) and dropped
#      after; blog runs its request mix, nplus1-app replays its log
#      (replay.py: one pgbench transaction is the whole logged workload once);
#      and unless --no-leave-one-out, pgadvise's 1x set without each of
#      its indexes in turn, paired with the full set in --loo-rounds
#      (default 6) rounds of runs of a third of --pgbench-seconds, the
#      order alternated round to round; each round's change, their median
#      and the range of all of them (with 6 rounds, a 97% confidence
#      interval for the median change by the sign test); first the full
#      set paired with itself, the noise of the comparison. An index
#      slows the workload when the whole interval is a gain without it;
#   4. DIR/results.md (default DIR /tmp/pgadvise-index-bench) from table.py;
#      --docs also puts it in docs/benchmarks.md between the index-selection
#      markers.
#
# pgadvise and pgadvise_index_bench are built in BUILD_DIR (default
# build-bench/, RelWithDebInfo), unless PGADVISE and INDEX_BENCH name built
# binaries. It uses both cores: run it alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${BENCH_DIR:-/tmp/pgadvise-index-bench}"
build="${BUILD_DIR:-$root/build-bench}"
workloads="tpch,blog,nplus1-app"
sf=1
time_limit=120
exhaustive_seconds=600
pgbench_seconds=30
leave_one_out=1
loo_rounds=6
docs=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --sf) sf="$2"; shift 2 ;;
    --time-limit) time_limit="$2"; shift 2 ;;
    --exhaustive-seconds) exhaustive_seconds="$2"; shift 2 ;;
    --pgbench-seconds) pgbench_seconds="$2"; shift 2 ;;
    --no-leave-one-out) leave_one_out=0; shift ;;
    --loo-rounds) loo_rounds="$2"; shift 2 ;;
    --docs) docs=1; shift ;;
    *) sed -n '2,50p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
command -v pgbench >/dev/null || { echo "index-selection: pgbench not found (postgresql-client-15)" >&2; exit 2; }
command -v xz >/dev/null || { echo "index-selection: xz not found (xz-utils)" >&2; exit 2; }

if [[ -z "${PGADVISE:-}" || -z "${INDEX_BENCH:-}" ]]; then
  echo "== building pgadvise and pgadvise_index_bench in $build" >&2
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$build" --target pgadvise pgadvise_index_bench >/dev/null
  PGADVISE="$build/pgadvise"
  INDEX_BENCH="$build/pgadvise_index_bench"
fi
PGADVISE="$(realpath "$PGADVISE")"
INDEX_BENCH="$(realpath "$INDEX_BENCH")"
export PGADVISE INDEX_BENCH
export BENCH_HERE="$here" BENCH_ROOT="$root" BENCH_OUT="$out" BENCH_SF="$sf" BENCH_TIME_LIMIT="$time_limit"
export BENCH_EXHAUSTIVE="$exhaustive_seconds" BENCH_PGBENCH_SECONDS="$pgbench_seconds" BENCH_LOO="$leave_one_out"
export BENCH_LOO_ROUNDS="$loo_rounds"
: >"$out/results.jsonl"
: >"$out/pgbench.tsv"

# One workload, inside its own cluster (the functions below run there).
run_workload() {
  local name="$1"
  echo "== $name" >&2
  "$root/scripts/pg-cluster.sh" run -c "shared_buffers = 256MB" -c "max_wal_size = 4GB" \
    -c "log_line_prefix = '%m [%p] %q%u@%d '" -c "log_min_duration_statement = -1" \
    -- bash -c "source '$here/workload.sh'; workload_$name"
}

IFS=',' read -r -a chosen <<<"$workloads"
for name in "${chosen[@]}"; do
  case "$name" in
    tpch | blog | nplus1-app) run_workload "${name//-/_}" ;;
    *) echo "index-selection: unknown workload $name" >&2; exit 2 ;;
  esac
done

python3 "$here/table.py" "$out/results.jsonl" "$out/pgbench.tsv" >"$out/results.md"
cat "$out/results.md"
if [[ "$docs" == 1 ]]; then
  python3 - "$root/docs/benchmarks.md" "$out/results.md" <<'PY'
import sys
doc, table = sys.argv[1], open(sys.argv[2]).read().strip()
text = open(doc).read()
start, end = "<!-- index-selection-table:start -->", "<!-- index-selection-table:end -->"
if start not in text or end not in text:
    sys.exit(f"{doc}: no {start} ... {end} markers")
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
open(doc, "w").write(head + start + "\n" + table + "\n" + end + tail)
print(f"updated {doc}", file=sys.stderr)
PY
fi
