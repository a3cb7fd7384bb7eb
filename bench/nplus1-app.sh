#!/usr/bin/env bash
# Traffic of a real-shaped Drizzle app, logged by a real PostgreSQL 15.
#
#   bench/nplus1-app.sh --out DIR/NAME [--seed N] [--vus C] [--requests R]
#                       [--logging statement|duration] [--sqlcommenter]
#                       [--driver pg|postgres-js] [--generate-migrations]
#
# The app is fixtures/nplus1-app (a monorepo: apps/api's tRPC routers call
# packages/db's repositories, one node-postgres Pool of 12 connections); its
# README lists the per-row loops and the look-alikes, with file:line. This
# script copies it to a temporary folder beside the driver in
# bench/nplus1-app/ and the pinned npm packages (installed once by npm into
# ~/.cache/pgadvise/nplus1-app-npm), starts a throwaway cluster
# (scripts/pg-cluster.sh), migrates it with drizzle-kit migrate, seeds it
# (SEED; neither logged), then runs C virtual users at once, each making R
# tRPC calls picked at random (seeded) through the app's router over the one
# pool. Every statement of the traffic is logged (log_statement = all, or
# log_min_duration_statement = 0 with --logging duration) to stderr
# (log_line_prefix '%m [%p] %q%u@%d/%a '), csvlog and jsonlog at once:
# DIR/NAME.log, NAME.csv, NAME.json, and NAME.txt saying how they were made
# and how many calls of each procedure ran.
#
# --sqlcommenter: every statement carries sqlcommenter's traceparent
# (/*traceparent='00-<trace>-<span>-01'*/: one trace per tRPC call, a span
# per statement), as the app's SQLCOMMENTER=1 makes it.
#
# --driver postgres-js: the app's packages/db/src/client.ts is swapped in the
# copy for bench/nplus1-app/drivers/postgres-js/client.ts (drizzle-orm's
# postgres-js driver over postgres.js, 12 connections; the app's code is
# unchanged). postgres.js gives each query the next idle connection and
# pipelines onto a busy one when none is, so one request's statements run on
# several backends and each backend interleaves several requests' statements.
# Default pg (node-postgres). Not with --sqlcommenter (the tracing hooks pg).
# The npm packages come from the registry, or from the folder
# PGADVISE_NPLUS1_NPM names (a node_modules with the pinned versions).
#
# --generate-migrations: first rewrite fixtures/nplus1-app/packages/db/drizzle
# with drizzle-kit generate (after a schema change).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=nplus1-app/workdir.sh
source "$here/nplus1-app/workdir.sh"

out=""
seed=1
vus=4
requests=40
logging=statement
generate=0
sqlcommenter=0
driver=pg
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --vus) vus="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --logging) logging="$2"; shift 2 ;;
    --sqlcommenter) sqlcommenter=1; shift ;;
    --driver) driver="$2"; shift 2 ;;
    --generate-migrations) generate=1; shift ;;
    *) sed -n '2,/^set -euo/{/^set -euo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ -n "$out" || "$generate" == 1 ]] || { echo "nplus1-app: --out DIR/NAME is required" >&2; exit 2; }
case "$logging" in
  statement) log_conf=(-c "log_statement = 'all'" -c "log_min_duration_statement = -1") ;;
  duration) log_conf=(-c "log_min_duration_statement = 0") ;;
  *) echo "nplus1-app: --logging statement|duration" >&2; exit 2 ;;
esac
case "$driver" in
  pg) pool_text="node-postgres Pool" ;;
  postgres-js) pool_text="postgres.js" ;;
  *) echo "nplus1-app: --driver pg|postgres-js" >&2; exit 2 ;;
esac
[[ "$driver" == pg || "$sqlcommenter" == 0 ]] || {
  echo "nplus1-app: --sqlcommenter needs --driver pg" >&2
  exit 2
}

work="$(mktemp -d "${TMPDIR:-/tmp}/nplus1-app.XXXXXX")"
trap 'rm -rf "$work"' EXIT
nplus1_workdir "$work"
if [[ "$driver" == postgres-js ]]; then
  cp "$here/nplus1-app/drivers/postgres-js/client.ts" "$work/packages/db/src/client.ts"
fi
bin="$work/node_modules/.bin"
# The app and the driver type-check before they run.
"$bin/tsc" --noEmit -p "$work/apps/api"
"$bin/tsc" --noEmit -p "$work/driver"

if [[ "$generate" == 1 ]]; then
  rm -rf "$work/packages/db/drizzle"
  (cd "$work/packages/db" && "$bin/drizzle-kit" generate --name init >/dev/null)
  rm -rf "$root/fixtures/nplus1-app/packages/db/drizzle"
  cp -r "$work/packages/db/drizzle" "$root/fixtures/nplus1-app/packages/db/drizzle"
  echo "nplus1-app: wrote fixtures/nplus1-app/packages/db/drizzle" >&2
  [[ -n "$out" ]] || exit 0
fi

out="$(realpath -m "$out")"
mkdir -p "$(dirname "$out")"
export NPLUS1_WORK="$work" NPLUS1_OUT="$out" SEED="$seed" VUS="$vus" REQUESTS="$requests" NPLUS1_COMMENTER="$sqlcommenter"
"$root/scripts/pg-cluster.sh" run \
  -c "log_line_prefix = '%m [%p] %q%u@%d/%a '" \
  -c "log_destination = 'stderr,csvlog,jsonlog'" \
  -c "logging_collector = on" \
  "${log_conf[@]}" \
  -c "log_connections = on" \
  -c "log_disconnections = on" \
  -c "max_connections = 40" \
  -- bash -c '
set -euo pipefail
# The superuser sets the database up unlogged: the log holds the app alone.
PGOPTIONS="-c log_statement=none -c log_min_duration_statement=-1" psql -q -X -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
ALTER ROLE CURRENT_USER SET log_statement = none;
ALTER ROLE CURRENT_USER SET log_min_duration_statement = -1;
CREATE DATABASE flowdesk;
CREATE ROLE flowdesk LOGIN;
SQL
setup="postgres://$PGUSER@127.0.0.1:$PGPORT/flowdesk"
bin="$NPLUS1_WORK/node_modules/.bin"
(cd "$NPLUS1_WORK/packages/db" && DATABASE_URL="$setup" "$bin/drizzle-kit" migrate >/dev/null)
(cd "$NPLUS1_WORK/apps/api" && SETUP_DATABASE_URL="$setup" "$bin/tsx" ../../driver/seed.ts)
psql -q -X -v ON_ERROR_STOP=1 -d flowdesk -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO flowdesk;
  GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO flowdesk;" >/dev/null
(cd "$NPLUS1_WORK/apps/api" && SETUP_DATABASE_URL="$setup" SQLCOMMENTER="$NPLUS1_COMMENTER" \
  DATABASE_URL="postgres://flowdesk@127.0.0.1:$PGPORT/flowdesk" "$bin/tsx" ../../driver/run.ts >"$NPLUS1_WORK/summary.json")
sleep 1 # the logging collector writes the last lines
for ext in log csv json; do cp "$PGCLUSTER_LOGDIR/postgresql.$ext" "${NPLUS1_OUT}.$ext"; done
'
chmod 644 "$out".log "$out".csv "$out".json
{
  echo "Made by bench/nplus1-app.sh on PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}') from fixtures/nplus1-app:"
  echo "  seed=$seed virtual users=$vus requests per user=$requests logging=$logging" \
    "sqlcommenter=$([[ $sqlcommenter == 1 ]] && echo traceparent || echo none)"
  echo "  log_line_prefix='%m [%p] %q%u@%d/%a ' (application_name flowdesk-api, user flowdesk," \
    "$pool_text max 12)"
  echo "  driver summary:"
  sed 's/^/    /' "$work/summary.json"
} >"$out.txt"
echo "wrote $out.{log,csv,json,txt} ($(( $(stat -c %s "$out.log") / 1000 )) kB stderr)" >&2
