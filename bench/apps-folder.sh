#!/usr/bin/env bash
# The PostgreSQL 15 log of fixtures/real-shapes/apps-folder: both apps on one
# development server, each with its own database.
#
#   bench/apps-folder.sh --out FILE.log [--seed N] [--requests R] [--static-inbox]
#
# The folder is copied to a temporary place with the pinned npm packages
# (installed once by npm into ~/.cache/pgadvise/apps-folder-npm, or the
# folder PGADVISE_APPS_FOLDER_NPM names; @helpdesk/db linked as pnpm links a
# workspace package). A throwaway cluster (scripts/pg-cluster.sh) gets two
# databases, blog and helpdesk, each migrated with its app's own
# drizzle-kit migrate and seeded (bench/apps-folder/*-seed.sql; neither
# logged). Then, at the same time, 3 blog readers (postgres.js) open the
# front page and a post R times each, and 4 helpdesk agents (node-postgres
# Pool) open the inbox R times each (bench/apps-folder/*-traffic.ts), logged
# with log_min_duration_statement = 0 and log_line_prefix
# '%m [%p] %q%u@%d/%a '. After each look an agent solves the oldest open
# ticket and a customer opens one; --static-inbox leaves the tickets as they
# are (every inbox load reads the same rows). FILE.log is the server's
# stderr log; FILE.txt says how it was made and what each driver ran.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=lib/app-log.sh
source "$here/lib/app-log.sh"
packages="drizzle-orm@0.45.4 drizzle-kit@0.31.11 pg@8.16.3 postgres@3.4.5 hono@4.6.14 tsx@4.21.0 typescript@5.8.3 @types/pg@8.15.4 @types/node@22.15.0"

out=""
seed=1
requests=5
static_inbox=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --static-inbox) static_inbox=1; shift ;;
    *) sed -n '2,/^set -euo/{/^set -euo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "apps-folder: --out FILE.log is required" >&2; exit 2; }
out="$(realpath -m "$out")"

modules="${PGADVISE_APPS_FOLDER_NPM:-${XDG_CACHE_HOME:-$HOME/.cache}/pgadvise/apps-folder-npm}"
bench_npm_cache apps-folder "$modules" "$packages"
bench_workdir apps-folder
cp -r "$root/fixtures/real-shapes/apps-folder" "$work/app"
rm -rf "$work/app/logs"
# Every app finds the packages by walking up; @helpdesk/db is the workspace's.
ln -s "$modules/node_modules" "$work/node_modules"
mkdir -p "$work/app/helpdesk/node_modules/@helpdesk"
ln -s ../../packages/db "$work/app/helpdesk/node_modules/@helpdesk/db"
cp "$here/apps-folder/blog-traffic.ts" "$work/app/blog/traffic.ts"
cp "$here/apps-folder/helpdesk-traffic.ts" "$work/app/helpdesk/apps/api/traffic.ts"
cp "$here/apps-folder/blog-seed.sql" "$here/apps-folder/helpdesk-seed.sql" "$work/"
chmod -R a+rX "$work"

export APPS_WORK="$work" SEED="$seed" REQUESTS="$requests" STATIC_INBOX="$static_inbox"
# shellcheck disable=SC2016 # the inner shell expands them, with the cluster's variables
bench_logged_cluster -- '
psql -q -X -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
CREATE DATABASE blog;
CREATE DATABASE helpdesk;
CREATE ROLE blog LOGIN;
CREATE ROLE helpdesk LOGIN;
SQL
for app in blog helpdesk; do
  dir="$APPS_WORK/app/blog"
  [[ "$app" == helpdesk ]] && dir="$APPS_WORK/app/helpdesk/packages/db"
  (cd "$dir" && DATABASE_URL="postgres://$PGUSER@127.0.0.1:$PGPORT/$app" \
    "$APPS_WORK/node_modules/.bin/drizzle-kit" migrate >/dev/null)
  psql -q -X -v ON_ERROR_STOP=1 -d "$app" -f "$APPS_WORK/$app-seed.sql" >/dev/null
  psql -q -X -v ON_ERROR_STOP=1 -d "$app" -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO $app;
    GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO $app;" >/dev/null
done
(cd "$APPS_WORK/app/blog" && READERS=3 \
  DATABASE_URL="postgres://blog@127.0.0.1:$PGPORT/blog?application_name=blog-web" \
  "$APPS_WORK/node_modules/.bin/tsx" traffic.ts >"$APPS_WORK/blog.json") &
blog=$!
(cd "$APPS_WORK/app/helpdesk/apps/api" && AGENTS=4 \
  DATABASE_URL="postgres://helpdesk@127.0.0.1:$PGPORT/helpdesk?application_name=helpdesk-api" \
  "$APPS_WORK/node_modules/.bin/tsx" traffic.ts >"$APPS_WORK/helpdesk.json")
wait "$blog"
'
bench_write_log "$out"
{
  echo "Made by bench/apps-folder.sh on PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}') from fixtures/real-shapes/apps-folder:"
  echo "  seed=$seed requests per user=$requests static inbox=$static_inbox log_min_duration_statement=0"
  echo "  log_line_prefix='%m [%p] %q%u@%d/%a '"
  echo "  blog: database blog, user blog, application blog-web, postgres.js, 3 readers"
  echo "  helpdesk: database helpdesk, user helpdesk, application helpdesk-api, node-postgres Pool, 4 agents"
  echo "  driver summaries:"
  sed 's/^/    /' "$work/blog.json" "$work/helpdesk.json"
} >"${out%.log}.txt"
echo "wrote $out ($(( $(stat -c %s "$out") / 1000 )) kB) and ${out%.log}.txt" >&2
