#!/usr/bin/env bash
# The PostgreSQL 15 log of fixtures/real-shapes/invoice-worker: one tick of
# its scheduler job.
#
#   bench/invoice-worker.sh --out FILE.log
#
# The app is copied to a temporary folder with the pinned npm packages (the
# same cache as bench/apps-folder.sh: ~/.cache/pgadvise/apps-folder-npm, or
# the folder PGADVISE_APPS_FOLDER_NPM names). A throwaway cluster
# (scripts/pg-cluster.sh) is migrated with the app's own drizzle-kit
# migrate and seeded (bench/invoice-worker/seed.sql: 300 recurring invoices
# due; neither logged), then `tsx src/worker.ts` runs the job once over its
# node-postgres Pool, logged with log_min_duration_statement = 0 and
# log_line_prefix '%m [%p] %q%u@%d/%a '. FILE.log is the server's stderr
# log; FILE.txt says how it was made and what the job did.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=lib/app-log.sh
source "$here/lib/app-log.sh"
packages="drizzle-orm@0.45.4 drizzle-kit@0.31.11 pg@8.16.3 postgres@3.4.5 hono@4.6.14 tsx@4.21.0 typescript@5.8.3 @types/pg@8.15.4 @types/node@22.15.0"

out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    *) sed -n '2,/^set -euo/{/^set -euo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "invoice-worker: --out FILE.log is required" >&2; exit 2; }
out="$(realpath -m "$out")"

modules="${PGADVISE_APPS_FOLDER_NPM:-${XDG_CACHE_HOME:-$HOME/.cache}/pgadvise/apps-folder-npm}"
bench_npm_cache invoice-worker "$modules" "$packages"
bench_workdir invoice-worker
cp -r "$root/fixtures/real-shapes/invoice-worker" "$work/app"
rm -rf "$work/app/logs"
ln -s "$modules/node_modules" "$work/app/node_modules"
cp "$here/invoice-worker/seed.sql" "$work/"
chmod -R a+rX "$work"
"$work/app/node_modules/.bin/tsc" --noEmit -p "$work/app"

export WORKER_WORK="$work"
# shellcheck disable=SC2016 # the inner shell expands them, with the cluster's variables
bench_logged_cluster -- '
psql -q -X -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
CREATE DATABASE billing;
CREATE ROLE billing LOGIN;
SQL
(cd "$WORKER_WORK/app" && DATABASE_URL="postgres://$PGUSER@127.0.0.1:$PGPORT/billing" \
  node_modules/.bin/drizzle-kit migrate >/dev/null)
psql -q -X -v ON_ERROR_STOP=1 -d billing -f "$WORKER_WORK/seed.sql" >/dev/null
psql -q -X -v ON_ERROR_STOP=1 -d billing -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO billing;" >/dev/null
(cd "$WORKER_WORK/app" && \
  DATABASE_URL="postgres://billing@127.0.0.1:$PGPORT/billing?application_name=invoice-worker" \
  node_modules/.bin/tsx src/worker.ts >"$WORKER_WORK/summary.json")
'
bench_write_log "$out"
{
  echo "Made by bench/invoice-worker.sh on PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}') from fixtures/real-shapes/invoice-worker:"
  echo "  one tick of src/worker.ts (node-postgres Pool max 4), log_min_duration_statement=0"
  echo "  log_line_prefix='%m [%p] %q%u@%d/%a ' (database billing, user billing, application invoice-worker)"
  echo "  job summary: $(cat "$work/summary.json")"
} >"${out%.log}.txt"
echo "wrote $out ($(( $(stat -c %s "$out") / 1000 )) kB) and ${out%.log}.txt" >&2
