#!/usr/bin/env bash
# Demo step 1: the example app's database on a running server (the PG*
# environment names it; scripts/pg-cluster.sh sets it).
#
#   scripts/demo-setup.sh DBNAME [SCALE]
#
# Creates DBNAME with the extensions pgadvise uses (hypopg, and
# pg_stat_statements when the server preloads it), applies
# fixtures/drizzle-app's migrations in journal order in one transaction and
# records each in drizzle.__drizzle_migrations exactly as drizzle-orm's
# migrate() does (SHA-256 of the file, the journal's `when`), then generates
# the deterministic dataset (fixtures/drizzle-app/demo-data.sql; SCALE 1, the
# default, is about a million rows) and ANALYZEs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
app="$root/fixtures/drizzle-app"
db="${1:?usage: demo-setup.sh DBNAME [SCALE]}"
scale="${2:-1}"
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "demo-setup: database name must be a plain identifier: $db" >&2; exit 2; }
[[ "$scale" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "demo-setup: SCALE must be a number: $scale" >&2; exit 2; }

psql=(psql -X -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c "CREATE DATABASE $db"
"${psql[@]}" -d "$db" -c "CREATE EXTENSION hypopg"
if [[ "$("${psql[@]}" -d "$db" -At -c "SHOW shared_preload_libraries")" == *pg_stat_statements* ]]; then
  "${psql[@]}" -d "$db" -c "CREATE EXTENSION pg_stat_statements"
fi

# The journal's tags and times, in order (drizzle-kit writes one key per line).
journal="$app/drizzle/meta/_journal.json"
mapfile -t tags < <(sed -n 's/^ *"tag": *"\([^"]*\)".*/\1/p' "$journal")
mapfile -t whens < <(sed -n 's/^ *"when": *\([0-9]*\).*/\1/p' "$journal")
[[ ${#tags[@]} -gt 0 && ${#tags[@]} -eq ${#whens[@]} ]] || { echo "demo-setup: cannot read $journal" >&2; exit 1; }

script="$(mktemp)"
trap 'rm -f "$script"' EXIT
{
  echo "CREATE SCHEMA IF NOT EXISTS drizzle;"
  echo "CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);"
  for i in "${!tags[@]}"; do
    file="$app/drizzle/${tags[$i]}.sql"
    cat "$file"
    echo ";"
    echo "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('$(sha256sum <"$file" | cut -c1-64)', ${whens[$i]});"
  done
} >"$script"
"${psql[@]}" -d "$db" -1 -f "$script"
"${psql[@]}" -d "$db" -c "SET pgadvise_demo.scale = '$scale'" -f "$app/demo-data.sql" >/dev/null
