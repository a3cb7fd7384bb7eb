#!/usr/bin/env bash
# The schema-scale benchmark (issues 12 and 23), in one command:
#   bench/scale.sh [TABLES ...]        (default: 10000 100000)
#
# For each size, writes a drizzle-kit-style migration of TABLES tables in
# issue 23's shape: a bigserial key, a text column with a JSON default and
# three foreign keys per table (to earlier tables; the first to itself),
# one table in two indexing its first foreign key (2.5 x TABLES unindexed),
# then times `pgadvise lint FILE --format json` with /usr/bin/time -v
# (wall time and peak RSS). PGADVISE (default build/pgadvise) is the binary;
# files go to BENCH_DIR (default /tmp/pgadvise-bench).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pgadvise="${PGADVISE:-$root/build/pgadvise}"
out="${BENCH_DIR:-/tmp/pgadvise-bench}"
sizes=("$@")
if [ "${#sizes[@]}" -eq 0 ]; then
  sizes=(10000 100000)
fi
mkdir -p "$out"
[ -x "$pgadvise" ] || "$root/scripts/build.sh" pgadvise

printf '| tables | foreign keys | unindexed-foreign-key | findings | wall time | CPU (user+sys) | peak RSS |\n|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  sql="$out/scale_$n.sql"
  awk -v n="$n" 'BEGIN {
    for (i = 1; i <= n; i++) {
      printf "CREATE TABLE \"t%d\" (\n  \"id\" bigserial PRIMARY KEY,\n  \"name\" text NOT NULL,\n  \"settings\" text DEFAULT '"'"'{}'"'"' NOT NULL", i
      for (k = 1; k <= 3; k++) printf ",\n  \"ref%d_id\" bigint", k
      printf "\n);\n--> statement-breakpoint\n"
    }
    for (i = 1; i <= n; i++) {
      for (k = 1; k <= 3; k++) {
        j = (i == 1) ? 1 : (i * 7 + k * 13) % (i - 1) + 1
        printf "ALTER TABLE \"t%d\" ADD CONSTRAINT \"t%d_ref%d_fk\" FOREIGN KEY (\"ref%d_id\") REFERENCES \"public\".\"t%d\"(\"id\") ON DELETE cascade;\n--> statement-breakpoint\n", i, i, k, k, j
      }
      if (i % 2 == 0) printf "CREATE INDEX \"t%d_ref1_idx\" ON \"t%d\" USING btree (\"ref1_id\");\n--> statement-breakpoint\n", i, i
    }
  }' >"$sql"
  report="$out/scale_$n.json"
  /usr/bin/time -v "$pgadvise" lint "$sql" --format json --output "$report" 2>"$out/scale_$n.time" || true
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/scale_$n.time")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/scale_$n.time")
  cpu=$(awk -F': ' '/User time|System time/ { sum += $2 } END { printf "%.2f s", sum }' "$out/scale_$n.time")
  findings=$(grep -c '"rule": ' "$report" || true)
  unindexed=$(grep -c '"rule": "unindexed-foreign-key"' "$report" || true)
  printf '| %d | %d | %d | %d | %s | %s | %d MB |\n' "$n" $((3 * n)) "$unindexed" "$findings" "$wall" "$cpu" $((rss_kb / 1024))
done
