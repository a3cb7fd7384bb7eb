#!/usr/bin/env bash
# Makes a real PostgreSQL 15 stderr log of about TARGET_MB megabytes (default
# 1000) with a throwaway cluster and pgbench:
#   - pgbench's built-in TPC-B-like transactions (simple protocol),
#   - a planted N+1: a parent query, then one query per row (20 of them, with
#     different parameters) inside one transaction (extended protocol, so the
#     parameters come as DETAIL lines),
#   - a few short connections (-C) for connection/disconnection lines.
# The server logs the same events to stderr, csvlog and jsonlog at once:
# OUTPUT.log, and OUTPUT.csv / OUTPUT.json next to it (same base name).
# Usage: bench/make-log.sh OUTPUT.log [TARGET_MB]
set -euo pipefail
out="${1:?usage: bench/make-log.sh OUTPUT.log [TARGET_MB]}"
target_mb="${2:-1000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$(realpath -m "$out")"
mkdir -p "$(dirname "$out")"

export BENCH_TARGET_BYTES=$((target_mb * 1000 * 1000))
export BENCH_OUT="$out"
export BENCH_HERE="$here"
export BENCH_MAX_SECONDS="${BENCH_MAX_SECONDS:-86400}" # stop early on a slow machine

"$root/scripts/pg-cluster.sh" run \
  -c "log_line_prefix = '%m [%p] %q%u@%d '" \
  -c "log_destination = 'stderr,csvlog,jsonlog'" \
  -c "logging_collector = on" \
  -c "log_min_duration_statement = 0" \
  -c "log_connections = on" \
  -c "log_disconnections = on" \
  -c "max_connections = 50" \
  -- bash -c '
set -euo pipefail
log="$PGCLUSTER_LOGDIR/postgresql.log"
# Set-up runs unlogged: the log holds only the workload (pgbench -i inserts
# row by row, which would be a real but unplanted insert burst).
PGOPTIONS="-c log_min_duration_statement=-1 -c log_connections=off -c log_disconnections=off" \
  pgbench -i -q -s 4 postgres >/dev/null 2>&1
PGOPTIONS="-c log_min_duration_statement=-1" psql -q -X -d postgres -f "$BENCH_HERE/nplus1-schema.sql" >/dev/null
size() { stat -c %s "$log"; }
deadline=$(( $(date +%s) + ${BENCH_MAX_SECONDS:-86400} ))
while [ "$(size)" -lt "$BENCH_TARGET_BYTES" ] && [ "$(date +%s)" -lt "$deadline" ]; do
  pgbench -n -M simple -b tpcb-like -c 2 -T 20 postgres >/dev/null 2>&1 &
  pgbench -n -M extended -f "$BENCH_HERE/nplus1.pgbench" -c 2 -T 20 postgres >/dev/null 2>&1 &
  wait
  pgbench -n -C -M simple -b select-only -c 1 -t 200 postgres >/dev/null 2>&1
  echo "log: $(( $(size) / 1000000 )) MB" >&2
done
sleep 1
cp "$log" "$BENCH_OUT"
cp "$PGCLUSTER_LOGDIR/postgresql.csv" "${BENCH_OUT%.log}.csv"
cp "$PGCLUSTER_LOGDIR/postgresql.json" "${BENCH_OUT%.log}.json"
'
echo "wrote $out ($(( $(stat -c %s "$out") / 1000000 )) MB)"
