# The workloads of bench/index-selection/run.sh, each run inside its own
# throwaway cluster (PGHOST, PGPORT, PGUSER, PGDATABASE and PGCLUSTER_LOGDIR
# set by scripts/pg-cluster.sh). Sourced, not run.
set -euo pipefail

conninfo() {
  echo "host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=$PGUSER"
}

psql_quiet() {
  PGOPTIONS="-c synchronous_commit=on" psql -q -X -v ON_ERROR_STOP=1 "$@" >/dev/null
}

# Loaded data made visible to index-only scans as autovacuum would leave it:
# the commits flushed (hint bits), then every page vacuumed and analyzed.
settle() {
  psql_quiet -c "CHECKPOINT" -c "VACUUM ANALYZE"
}

# measure NAME WORKLOAD-ARGS...: the per-finding report, then every method
# at every budget on the same HypoPG costs.
measure() {
  local name="$1"
  shift
  echo "   per-finding advice (pgadvise lint --db --no-index-set)" >&2
  # From an empty folder: the database is the schema, no project files.
  local empty
  empty="$(mktemp -d)"
  (cd "$empty" && "$PGADVISE" lint --db "$(conninfo)" "$@" --no-index-set --statement-timeout 60000 \
    --format json -o "$BENCH_OUT/$name-lint.json" 2>"$BENCH_OUT/$name-lint.err") || true
  rmdir "$empty"
  echo "   pgadvise_index_bench" >&2
  local workload_args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --queries) workload_args+=(--queries --workload "$2"); shift 2 ;;
      --log) workload_args+=(--workload "$2"); shift 2 ;;
      *) shift ;;
    esac
  done
  # TPC-H's tables are all read together: one group of hundreds of
  # candidates, no exhaustive optimum in reach.
  # The budgets as shares of pgadvise's unbudgeted set (issue 48) on the
  # OLTP workloads, where the optimum is in reach.
  local exhaustive="$BENCH_EXHAUSTIVE" set_budgets="0.25,0.5,1"
  [[ "$name" != tpch ]] || { exhaustive=0; set_budgets=""; }
  "$INDEX_BENCH" --db "$(conninfo)" --name "$name" "${workload_args[@]}" \
    --per-finding "$BENCH_OUT/$name-lint.json" --time-limit "$BENCH_TIME_LIMIT" \
    --exhaustive-seconds "$exhaustive" --set-budgets "$set_budgets" >"$BENCH_OUT/$name.jsonl" 2>"$BENCH_OUT/$name.err"
  cat "$BENCH_OUT/$name.jsonl" >>"$BENCH_OUT/results.jsonl"
}

# The DDL of one method's set at one budget, from the benchmark's lines.
set_ddl() {
  python3 - "$BENCH_OUT/$1.jsonl" "$2" "$3" <<'PY'
import json, sys
path, method, share = sys.argv[1], sys.argv[2], float(sys.argv[3])
for line in open(path):
    row = json.loads(line)
    if row["method"] == method and abs(row["budget_share"] - share) < 1e-9 and row.get("budget_of", "data") == "data":
        print(row["ddl"], end="")
        break
PY
}

# pgbench_once NAME LABEL DDL PGBENCH-ARGS...: builds the indexes of DDL for
# real, runs pgbench, writes one line of pgbench.tsv, drops them again.
pgbench_once() {
  local name="$1" label="$2" ddl="$3"
  shift 3
  local names=()
  if [[ -n "$ddl" ]]; then
    psql_quiet -c "$ddl"
    mapfile -t names < <(grep -o 'CREATE INDEX [^ ]*' <<<"$ddl" | awk '{print $3}')
    psql_quiet -c "ANALYZE"
  fi
  local size=0
  if [[ ${#names[@]} -gt 0 ]]; then
    local list
    list="$(printf "'%s'," "${names[@]}")"
    size="$(psql -X -At -c "SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM pg_class WHERE relname IN (${list%,})")"
  fi
  psql_quiet -c "CHECKPOINT"
  local result
  result="$(pgbench -n "$@" -T "$BENCH_PGBENCH_SECONDS" "$PGDATABASE" 2>&1)"
  local tps latency
  tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$result" | head -n 1)"
  latency="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$result" | head -n 1)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$label" "${#names[@]}" "$size" "${tps:-0}" "${latency:-0}" \
    >>"$BENCH_OUT/pgbench.tsv"
  echo "   pgbench $label: ${tps:-?} tps, ${latency:-?} ms" >&2
  for index in "${names[@]}"; do
    psql_quiet -c "DROP INDEX IF EXISTS $index"
  done
}

# pgbench_tps PGBENCH-ARGS...: one run of --pgbench-seconds / 3 after a
# checkpoint; prints "tps latency".
pgbench_tps() {
  psql_quiet -c "CHECKPOINT"
  local result seconds=$(((BENCH_PGBENCH_SECONDS + 2) / 3))
  result="$(pgbench -n "$@" -T "$seconds" "$PGDATABASE" 2>&1)"
  echo "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$result" | head -n 1) \
$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$result" | head -n 1)"
}

# paired NAME LABEL COUNT SIZE INDEX LINE PGBENCH-ARGS...: BENCH_LOO_ROUNDS
# rounds of the built set (A) and the set without INDEX (B; with none
# given, the set against itself, the noise), A then B in odd rounds and B
# then A in even ones, so that a drift of the machine's load touches both
# alike. One line of pgbench.tsv: B's median tps and latency, A's median
# tps, and each round's change of B over A in percent (comma-separated).
paired() {
  local name="$1" label="$2" count="$3" size="$4" index="$5" line="$6"
  shift 6
  local round a b changes=() with=() without=()
  for ((round = 1; round <= BENCH_LOO_ROUNDS; round++)); do
    if ((round % 2 == 1)); then
      a="$(pgbench_tps "$@")"
      [[ -z "$index" ]] || psql_quiet -c "DROP INDEX $index"
      b="$(pgbench_tps "$@")"
      [[ -z "$index" ]] || psql_quiet -c "$line" -c "ANALYZE"
    else
      [[ -z "$index" ]] || psql_quiet -c "DROP INDEX $index"
      b="$(pgbench_tps "$@")"
      [[ -z "$index" ]] || psql_quiet -c "$line" -c "ANALYZE"
      a="$(pgbench_tps "$@")"
    fi
    with+=("$a")
    without+=("$b")
    changes+=("$(awk -v a="${a%% *}" -v b="${b%% *}" 'BEGIN { printf "%.2f", (a > 0 ? 100 * (b / a - 1) : 0) }')")
  done
  local middle=$(((BENCH_LOO_ROUNDS + 1) / 2)) median_without median_with
  median_without="$(printf '%s\n' "${without[@]}" | sort -g | sed -n "${middle}p")"
  median_with="$(printf '%s\n' "${with[@]}" | sort -g | sed -n "${middle}p")"
  median_without="${median_without:-0 0}"
  local list
  list="$(IFS=,; echo "${changes[*]}")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$label" "$count" "$size" \
    "${median_without%% *}" "${median_without#* }" "${median_with%% *}" "$list" >>"$BENCH_OUT/pgbench.tsv"
  echo "   pgbench $label: ${median_without%% *} tps against ${median_with%% *} (rounds: $list %)" >&2
}

# leave_one_out NAME FULL-DDL PGBENCH-ARGS...: the 1x set built for real;
# first the set against itself (the noise of a paired comparison), then
# each of its indexes left out in turn, paired with the full set.
leave_one_out() {
  local name="$1" full="$2"
  shift 2
  psql_quiet -c "$full"
  psql_quiet -c "ANALYZE"
  local all=()
  mapfile -t all < <(grep -o 'CREATE INDEX [^ ]*' <<<"$full" | awk '{print $3}')
  local list size
  list="$(printf "'%s'," "${all[@]}")"
  size="$(psql -X -At -c "SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM pg_class WHERE relname IN (${list%,})")"
  paired "$name" "pgadvise 1x against itself (the noise)" "${#all[@]}" "$size" "" "" "$@"
  local line
  while IFS= read -r line; do
    [[ -n "$line" ]] || continue
    local index label
    index="$(awk '{print $3}' <<<"$line")"
    label="pgadvise 1x without ${index}: $(sed 's/^CREATE INDEX [^ ]* ON //; s/;$//' <<<"$line")"
    paired "$name" "$label" "$((${#all[@]} - 1))" "$size" "$index" "$line" "$@"
  done <<<"$full"
  for index in "${all[@]}"; do
    psql_quiet -c "DROP INDEX IF EXISTS $index"
  done
}

# real_time NAME PGBENCH-ARGS...: the real runs of an OLTP workload.
real_time() {
  local name="$1"
  shift
  pgbench_once "$name" "no secondary index" "" "$@"
  local share
  for share in 0.25 0.5 1; do
    pgbench_once "$name" "pgadvise, budget ${share}x" "$(set_ddl "$name" pgadvise "$share")" "$@"
  done
  pgbench_once "$name" "per-finding advice, budget 1x" "$(set_ddl "$name" per-finding 1)" "$@"
  pgbench_once "$name" "dexter, budget 1x" "$(set_ddl "$name" dexter 1)" "$@"
  if [[ "$BENCH_LOO" == 1 ]]; then
    leave_one_out "$name" "$(set_ddl "$name" pgadvise 1)" "$@"
  fi
}

workload_tpch() {
  psql_quiet -c "CREATE EXTENSION hypopg" -f "$BENCH_HERE/tpch/schema.sql"
  echo "   generating TPC-H at scale factor $BENCH_SF" >&2
  psql_quiet -v sf="$BENCH_SF" -f "$BENCH_HERE/tpch/generate.sql" -f "$BENCH_HERE/tpch/keys.sql"
  settle
  measure tpch --queries "$BENCH_HERE/tpch/queries.sql"
}

blog_pgbench_args() {
  local requests="$BENCH_HERE/blog/requests"
  echo -M extended -c 4 -j 2 --random-seed=7 \
    -f "$requests/feed.sql@3" -f "$requests/digest.sql@2" -f "$requests/author.sql@2" -f "$requests/hot.sql@4" \
    -f "$requests/profile.sql@3" -f "$requests/login.sql@3" -f "$requests/batched.sql@2" \
    -f "$requests/tagpage.sql@3" -f "$requests/prefs.sql@2" -f "$requests/comment.sql@3" \
    -f "$requests/recent.sql@1"
}

workload_blog() {
  psql_quiet -c "CREATE EXTENSION hypopg" -f "$BENCH_HERE/blog/schema.sql" -f "$BENCH_HERE/blog/data.sql"
  settle
  # The traffic, logged with durations: 4 clients, 150 requests each.
  # shellcheck disable=SC2046
  PGOPTIONS="-c log_min_duration_statement=0" pgbench -n $(blog_pgbench_args) -t 150 "$PGDATABASE" >/dev/null
  sleep 1
  cp "$PGCLUSTER_LOGDIR/postgresql.log" "$BENCH_OUT/blog.log"
  settle
  measure blog --log "$BENCH_OUT/blog.log"
  # shellcheck disable=SC2046
  real_time blog $(blog_pgbench_args)
}

workload_nplus1_app() {
  local migration="$BENCH_ROOT/fixtures/nplus1-app/packages/db/drizzle/0000_init.sql"
  sed 's/--> statement-breakpoint//' "$migration" >"$BENCH_OUT/nplus1-app-schema.sql"
  psql_quiet -c "CREATE EXTENSION hypopg" -f "$BENCH_OUT/nplus1-app-schema.sql" -f "$BENCH_HERE/nplus1-app/data.sql"
  settle
  xz -dc "$BENCH_ROOT/fixtures/logs/nplus1-app/s1-c12.log.xz" >"$BENCH_OUT/nplus1-app.log"
  measure nplus1-app --log "$BENCH_OUT/nplus1-app.log"
  python3 "$BENCH_HERE/replay.py" "$BENCH_OUT/nplus1-app.log" >"$BENCH_OUT/nplus1-app-replay.sql"
  real_time nplus1-app -c 2 -j 2 -f "$BENCH_OUT/nplus1-app-replay.sql"
}
