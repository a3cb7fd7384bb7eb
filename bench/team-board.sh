#!/usr/bin/env bash
# The PostgreSQL 15 logs of fixtures/real-shapes/team-board under load.
#
#   bench/team-board.sh --out FILE.log [--seed N] [--vus C] [--requests R] [--think MS]
#
# The app (tRPC routers over repository modules, schema split behind
# src/db/schema/index.ts, one node-postgres Pool of 10) is copied to a
# temporary folder beside the driver (bench/team-board/traffic.ts, which calls
# the routers through tRPC's createCaller) with the pinned npm packages
# (installed once by npm into ~/.cache/pgadvise/team-board-npm, or the folder
# PGADVISE_TEAMBOARD_NPM names). A throwaway cluster (scripts/pg-cluster.sh)
# is migrated with the app's own drizzle-kit migrate and seeded
# (bench/team-board/seed.sql; neither logged), then C virtual users (default
# 4) make R calls each at once over the pool, each user waiting 0 to MS ms
# (default 1000) between its calls, logged with
# log_min_duration_statement = 0 and log_line_prefix '%m [%p] %q%u@%d/%a '.
# FILE.log is the server's stderr log; FILE.txt says how it was made and how
# many calls of each procedure ran.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=lib/app-log.sh
source "$here/lib/app-log.sh"
packages="drizzle-orm@0.45.4 drizzle-kit@0.31.11 pg@8.16.3 tsx@4.21.0 typescript@5.8.3 @types/pg@8.15.4 @types/node@22.15.0 @trpc/server@11.4.3 zod@3.25.76"

out=""
seed=1
vus=4
requests=30
think=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --vus) vus="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --think) think="$2"; shift 2 ;;
    *) sed -n '2,/^set -euo/{/^set -euo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "team-board: --out FILE.log is required" >&2; exit 2; }
out="$(realpath -m "$out")"

modules="${PGADVISE_TEAMBOARD_NPM:-${XDG_CACHE_HOME:-$HOME/.cache}/pgadvise/team-board-npm}"
bench_npm_cache team-board "$modules" "$packages"
bench_workdir team-board
cp -r "$root/fixtures/real-shapes/team-board" "$work/app"
mkdir -p "$work/driver"
cp "$here/team-board/traffic.ts" "$here/team-board/tsconfig.json" "$here/team-board/seed.sql" "$work/driver/"
printf '{ "private": true, "type": "module" }\n' >"$work/driver/package.json"
ln -s "$modules/node_modules" "$work/app/node_modules"
ln -s "$modules/node_modules" "$work/driver/node_modules"
chmod -R a+rX "$work"
"$work/app/node_modules/.bin/tsc" --noEmit -p "$work/app"
"$work/app/node_modules/.bin/tsc" --noEmit -p "$work/driver"

export TEAMBOARD_WORK="$work" SEED="$seed" VUS="$vus" REQUESTS="$requests" THINK_MS="$think"
# shellcheck disable=SC2016 # the inner shell expands them, with the cluster's variables
bench_logged_cluster \
  -c "shared_preload_libraries = 'pg_stat_statements'" \
  -c "max_connections = 30" \
  -- '
psql -q -X -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
CREATE DATABASE teamboard;
CREATE ROLE teamboard LOGIN;
SQL
setup="postgres://$PGUSER@127.0.0.1:$PGPORT/teamboard"
(cd "$TEAMBOARD_WORK/app" && DATABASE_URL="$setup" node_modules/.bin/drizzle-kit migrate >/dev/null)
psql -q -X -v ON_ERROR_STOP=1 -d teamboard -f "$TEAMBOARD_WORK/driver/seed.sql" >/dev/null
psql -q -X -v ON_ERROR_STOP=1 -d teamboard -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO teamboard;
  GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO teamboard;" >/dev/null
(cd "$TEAMBOARD_WORK/driver" && DATABASE_URL="postgres://teamboard@127.0.0.1:$PGPORT/teamboard" \
  node_modules/.bin/tsx traffic.ts >"$TEAMBOARD_WORK/summary.json")
'
bench_write_log "$out"
{
  echo "Made by bench/team-board.sh on PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}') from fixtures/real-shapes/team-board:"
  echo "  seed=$seed virtual users=$vus requests per user=$requests think time=0-${think} ms log_min_duration_statement=0"
  echo "  log_line_prefix='%m [%p] %q%u@%d/%a ' (application_name team-board, user teamboard, node-postgres Pool max 10)"
  echo "  driver summary:"
  sed 's/^/    /' "$work/summary.json"
} >"${out%.log}.txt"
echo "wrote $out ($(( $(stat -c %s "$out") / 1000 )) kB) and ${out%.log}.txt" >&2
