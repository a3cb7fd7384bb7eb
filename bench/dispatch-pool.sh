#!/usr/bin/env bash
# The PostgreSQL 15 log of fixtures/real-shapes/dispatch-pool under load.
#
#   bench/dispatch-pool.sh --out FILE.log [--seed N] [--vus C] [--requests R] [--variant NAME]
#
# The app (per-domain schema files behind src/db/schema/index.ts, repository
# modules, handlers, one node-postgres Pool of 8) is copied to a temporary
# folder beside the driver (bench/dispatch-pool/traffic.ts) with the pinned
# npm packages (installed once by npm into ~/.cache/pgadvise/dispatch-pool-npm,
# or the folder PGADVISE_DISPATCH_NPM names). A throwaway cluster
# (scripts/pg-cluster.sh, pg_stat_statements preloaded) is migrated with the
# app's own drizzle-kit migrate and seeded (bench/dispatch-pool/seed.sql;
# neither logged), then C virtual users (default 8) make R handler calls each
# at once over the pool, logged with log_min_duration_statement = 0 and
# log_line_prefix '%m [%p] %q%u@%d/%a '. FILE.log is the server's stderr log;
# FILE.txt says how it was made and how many calls of each handler ran.
# --variant NAME copies bench/dispatch-pool/variants/NAME over the app first
# (an app that differs in one file, for a log of that difference).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=lib/app-log.sh
source "$here/lib/app-log.sh"
packages="drizzle-orm@0.45.4 drizzle-kit@0.31.11 pg@8.16.3 tsx@4.21.0 typescript@5.8.3 @types/pg@8.15.4 @types/node@22.15.0"

out=""
seed=1
vus=8
requests=20
variant=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --vus) vus="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --variant) variant="$2"; shift 2 ;;
    *) sed -n '2,/^set -euo/{/^set -euo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "dispatch-pool: --out FILE.log is required" >&2; exit 2; }
out="$(realpath -m "$out")"

modules="${PGADVISE_DISPATCH_NPM:-${XDG_CACHE_HOME:-$HOME/.cache}/pgadvise/dispatch-pool-npm}"
bench_npm_cache dispatch-pool "$modules" "$packages"
bench_workdir dispatch-pool
cp -r "$root/fixtures/real-shapes/dispatch-pool" "$work/app"
if [[ -n "$variant" ]]; then
  [[ -d "$here/dispatch-pool/variants/$variant" ]] || { echo "dispatch-pool: no variant $variant" >&2; exit 2; }
  cp -r "$here/dispatch-pool/variants/$variant/." "$work/app/"
fi
mkdir -p "$work/driver"
cp "$here/dispatch-pool/traffic.ts" "$here/dispatch-pool/tsconfig.json" "$here/dispatch-pool/seed.sql" "$work/driver/"
printf '{ "private": true, "type": "module" }\n' >"$work/driver/package.json"
ln -s "$modules/node_modules" "$work/app/node_modules"
ln -s "$modules/node_modules" "$work/driver/node_modules"
chmod -R a+rX "$work"
"$work/app/node_modules/.bin/tsc" --noEmit -p "$work/app"
"$work/app/node_modules/.bin/tsc" --noEmit -p "$work/driver"

export DISPATCH_WORK="$work" SEED="$seed" VUS="$vus" REQUESTS="$requests"
# shellcheck disable=SC2016 # the inner shell expands them, with the cluster's variables
bench_logged_cluster \
  -c "shared_preload_libraries = 'pg_stat_statements'" \
  -c "max_connections = 30" \
  -- '
psql -q -X -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
CREATE DATABASE dispatch;
CREATE ROLE dispatch LOGIN;
SQL
setup="postgres://$PGUSER@127.0.0.1:$PGPORT/dispatch"
(cd "$DISPATCH_WORK/app" && DATABASE_URL="$setup" node_modules/.bin/drizzle-kit migrate >/dev/null)
psql -q -X -v ON_ERROR_STOP=1 -d dispatch -f "$DISPATCH_WORK/driver/seed.sql" >/dev/null
psql -q -X -v ON_ERROR_STOP=1 -d dispatch -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO dispatch;
  GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO dispatch;" >/dev/null
(cd "$DISPATCH_WORK/driver" && DATABASE_URL="postgres://dispatch@127.0.0.1:$PGPORT/dispatch" \
  node_modules/.bin/tsx traffic.ts >"$DISPATCH_WORK/summary.json")
'
bench_write_log "$out"
{
  echo "Made by bench/dispatch-pool.sh on PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}') from fixtures/real-shapes/dispatch-pool${variant:+ with bench/dispatch-pool/variants/$variant over it}:"
  echo "  seed=$seed virtual users=$vus requests per user=$requests log_min_duration_statement=0"
  echo "  log_line_prefix='%m [%p] %q%u@%d/%a ' (application_name dispatch-api, user dispatch, node-postgres Pool max 8)"
  echo "  driver summary:"
  sed 's/^/    /' "$work/summary.json"
} >"${out%.log}.txt"
echo "wrote $out ($(( $(stat -c %s "$out") / 1000 )) kB) and ${out%.log}.txt" >&2
