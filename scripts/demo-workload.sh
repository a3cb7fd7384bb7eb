#!/usr/bin/env bash
# Demo step 2: replays the example app's traffic (fixtures/drizzle-app/
# workload.pgbench) against DBNAME with every statement logged
# (log_min_duration_statement = 0 for these sessions only), so the server
# log becomes the workload pgadvise reads.
#
#   scripts/demo-workload.sh DBNAME [SCALE] [TRANSACTIONS]
#
# SCALE must be the one given to demo-setup.sh (it sizes the random ranges);
# TRANSACTIONS per client (2 clients), default 60: about 10 s, as each page
# view ends with 150 ms of think time. --random-seed is fixed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
db="${1:?usage: demo-workload.sh DBNAME [SCALE] [TRANSACTIONS]}"
scale="${2:-1}"
transactions="${3:-60}"

size() { # base count -> count at this scale, as demo-data.sql computes it
  awk -v base="$1" -v s="$scale" -v min="$2" 'BEGIN { n = int(base * s + 0.5); if (n < min) n = min; print n }'
}

bindir="${PG_BINDIR:-}"
if [[ -z "$bindir" ]]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
pgbench="$bindir/pgbench"
command -v "$pgbench" >/dev/null 2>&1 || pgbench=pgbench

PGOPTIONS="-c log_min_duration_statement=0" "$pgbench" -n -c 2 -j 1 -t "$transactions" --random-seed=20261121 \
  -D norgs="$(size 2000 10)" -D nusers="$(size 50000 50)" -D nposts="$(size 200000 100)" \
  -D ntokens="$(size 50000 50)" -f "$root/fixtures/drizzle-app/workload.pgbench" "$db" \
  > /dev/null 2> >(grep -v 'setting random seed' >&2)
