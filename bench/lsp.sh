#!/usr/bin/env bash
# The language server's latency and memory (issue 49), with a scripted
# client (bench/lsp-latency.py: each keystroke an incremental didChange,
# timed until the publishDiagnostics of its version); figures for
# docs/benchmarks.md, never a timed test:
#   bench/lsp.sh [REAL_CHECKOUT FILE]...
# 1. fixtures/big-history (120 migrations, 40 tables): 1,000 keystrokes in
#    its newest migration; memory after the first and the last.
# 2. bench/make-repo.py's monorepo (40 tables in schema.ts, 300
#    migrations, 3,000 TypeScript sources): 200 keystrokes in schema.ts.
# 3. 10,000 tables: bench/scale.sh's one migration of 40,000 statements (20
#    keystrokes in it); bench/make-lsp-project.py's project (100
#    migrations and a schema.ts of the same tables: 20 keystrokes in the
#    newest migration, 10 in schema.ts); the same migrations without
#    schema.ts (20 keystrokes in the newest).
# 4. each real checkout given (fetch it, see bench/real-repos.list), with a
#    file of it: start-up to that file's first diagnostics, then 20
#    keystrokes in it.
# PGADVISE (default build/pgadvise) is the binary; BENCH_DIR (default
# /tmp/pgadvise-bench) holds the generated projects. Debounce 0: the
# figures are the server's own time (editors add the debounce, 50 ms by
# default). LSP_LOG=1 shows each run's time by stage on stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgadvise="${PGADVISE:-$root/build/pgadvise}"
out="${BENCH_DIR:-/tmp/pgadvise-bench}"
mkdir -p "$out"
run() { # PROJECT FILE EDITS
  echo "$1, $3 keystrokes in $2 ($(uptime | sed 's/.*load average: //')):"
  python3 "$here/lsp-latency.py" "$pgadvise" "$1" "$2" "$3" 0
}

run "$root/fixtures/big-history" drizzle/0119_wild_storm.sql 1000

if [ ! -f "$out/lsp-repo/packages/db/src/schema.ts" ]; then
  python3 "$here/make-repo.py" "$out/lsp-repo" >/dev/null
fi
run "$out/lsp-repo" packages/db/src/schema.ts 200

if [ ! -f "$out/lsp-10000/drizzle/0000_scale.sql" ]; then
  mkdir -p "$out/lsp-10000/drizzle"
  PGADVISE="$pgadvise" BENCH_DIR="$out" "$here/scale.sh" 10000 >/dev/null
  cp "$out/scale_10000.sql" "$out/lsp-10000/drizzle/0000_scale.sql"
fi
run "$out/lsp-10000" drizzle/0000_scale.sql 20
if [ ! -f "$out/lsp-project-10000/src/db/schema.ts" ]; then
  python3 "$here/make-lsp-project.py" "$out/lsp-project-10000" 10000 100
  rm -rf "$out/lsp-sql-10000"
  cp -R "$out/lsp-project-10000" "$out/lsp-sql-10000"
  rm -rf "$out/lsp-sql-10000/src" "$out/lsp-sql-10000/drizzle.config.ts"
fi
run "$out/lsp-project-10000" drizzle/0099_tables_9901.sql 20
run "$out/lsp-project-10000" src/db/schema.ts 10
run "$out/lsp-sql-10000" drizzle/0099_tables_9901.sql 20

while [ "$#" -ge 2 ]; do
  run "$1" "$2" 20
  shift 2
done
