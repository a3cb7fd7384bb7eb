#!/usr/bin/env bash
# README command 1: install what is missing (scripts/install-deps.sh --demo:
# the build packages, PostgreSQL 15 and HypoPG), build the tool, and run
# pgadvise on the bundled example Drizzle project (fixtures/drizzle-app) end
# to end:
#
#   1. a throwaway PostgreSQL 15 (with HypoPG and pg_stat_statements) in a
#      temporary directory, as the postgres user when run as root;
#   2. the app's migrations applied as drizzle-orm's migrate() would, and a
#      deterministic dataset of about a million rows (scripts/demo-setup.sh);
#   3. the app's traffic replayed with every statement logged, which gives a
#      real server log (scripts/demo-workload.sh);
#   4. pgadvise on schema files + log + database: the report, with sequential
#      scans confirmed by EXPLAIN ANALYZE and the indexes that remove them;
#   5. the cluster stopped and deleted, also on failure or Ctrl-C.
#
# Environment: PGADVISE_DEMO_SCALE (default 1) sizes the data,
# PGADVISE_DEMO_TRANSACTIONS (default 60 per client) the replayed traffic;
# PGADVISE_BIN=/path/to/pgadvise skips install and build and uses that binary.
# Extra arguments go to `pgadvise lint` (e.g. --format json, --verbose).
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${PGADVISE_DEMO_SCALE:-1}"
transactions="${PGADVISE_DEMO_TRANSACTIONS:-60}"
pgadvise="${PGADVISE_BIN:-}"
if [[ -z "$pgadvise" ]]; then
  scripts/install-deps.sh --demo # the build packages, PostgreSQL 15 and HypoPG; no test dependencies
  scripts/build.sh pgadvise >/dev/null # the tool alone; the test binary is for scripts/test.sh
  pgadvise=./build/pgadvise
fi

# shellcheck source=pg-cluster.sh
source scripts/pg-cluster.sh
# pg_cluster_start installs an EXIT trap that stops and deletes the cluster;
# turning INT/TERM into an exit makes that trap run on Ctrl-C too.
trap 'exit 130' INT TERM
say() {
  if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
    printf '\033[1m==> %s\033[0m\n' "$*" >&2
  else
    printf '==> %s\n' "$*" >&2
  fi
}

say "starting a throwaway PostgreSQL 15 cluster"
pg_cluster_start -c "shared_preload_libraries = 'pg_stat_statements'" \
  -c "log_line_prefix = '%m [%p] %q%u@%d '"
say "applying fixtures/drizzle-app's migrations and generating data (scale $scale)"
scripts/demo-setup.sh app "$scale"
log="$PGCLUSTER_LOGDIR/postgresql.log"
: >"$log" # the set-up is not part of the workload
say "replaying the app's workload (fixtures/drizzle-app/workload.pgbench) with log_min_duration_statement = 0"
scripts/demo-workload.sh app "$scale" "$transactions"

db="host=$PGHOST port=$PGPORT dbname=app user=$PGUSER"
say "pgadvise lint fixtures/drizzle-app --log $log --db '$db'"
status=0
"$pgadvise" lint fixtures/drizzle-app --log "$log" --db "$db" "$@" || status=$?
# Exit 1 means "findings at or above --fail-on": expected for the example.
[ "$status" -le 1 ]
