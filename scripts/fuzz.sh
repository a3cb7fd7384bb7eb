#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/) for a set time each:
#   scripts/fuzz.sh [seconds per target, default 60] [target ...]
# Builds build-asan/ first (scripts/build-asan.sh). Seed corpora are made
# from fixtures/ into build-asan/fuzz/seeds/<target>/ (not checked in); what
# a run adds stays in build-asan/fuzz/corpus/<target>/ for the next run.
# A crash, leak or timeout leaves its input in build-asan/fuzz/artifacts/
# and makes this script fail: check it in under tests/fuzz/regressions/<target>/
# (tests/fuzz/regression_test.cpp then replays it in every test run).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
all_targets=(sql_replay drizzle_snapshot drizzle_journal schema_ts drizzle_config pgadvise_config logs pgss plan_json
  project_yaml project_toml project_shell project_dockerfile project_json query_calls lsp_json_rpc ts_reparse schema_ts_edits)
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=("${all_targets[@]}")
fi
fuzz_targets=()
for target in "${targets[@]}"; do
  fuzz_targets+=("fuzz_$target")
done
scripts/build-asan.sh "${fuzz_targets[*]}"

work=build-asan/fuzz
mkdir -p "$work/artifacts"

# seeds TARGET: the fixture files that fit the target (a selector byte in
# front for targets that take one, see tests/fuzz/targets.cpp).
seed_files() {
  case "$1" in
    sql_replay) find fixtures -name '*.sql' -size -64k ;;
    drizzle_snapshot) find fixtures -name '*_snapshot.json' -size -256k ;;
    drizzle_journal) find fixtures -name '_journal.json' ;;
    schema_ts) find fixtures -name '*.ts' -size -64k ;;
    drizzle_config) find fixtures -name 'drizzle.config.*' ;;
    pgadvise_config) find fixtures tests -name '*.toml' -size -64k ;;
    logs) find fixtures/logs -type f \( -name '*.log' -o -name '*.csv' -o -name '*.json' -o -name '*.gz' \) -size -256k ;;
    pgss) find fixtures/logs -name 'pgss*' ;;
    plan_json) find fixtures -path '*plan*' -name '*.json' -size -64k ;;
    project_yaml) find fixtures/push -name '*.yml' -o -name '*.yaml' ;;
    project_toml) find fixtures/push -name '*.toml' ;;
    project_shell) find fixtures/push -name '*.sh' -o -name 'Makefile' -o -name 'Procfile' ;;
    project_dockerfile) find fixtures/push -name 'Dockerfile*' ;;
    project_json) find fixtures/push fixtures/drizzle-app -name 'package.json' -o -name 'vercel.json' -o -name 'railway.json' ;;
    query_calls) find fixtures/nplus1-app fixtures/drizzle-loop-app fixtures/drizzle-app -name '*.ts' -size -64k ;;
    lsp_json_rpc) find tests/app/lsp/messages -name '*.jsonrpc' ;;
    ts_reparse) find fixtures -name '*.ts' -size -32k ;;
    schema_ts_edits) find fixtures -name '*.ts' -size -32k -exec grep -l pgTable {} + ;;
  esac
}
takes_selector() {
  case "$1" in
    schema_ts | logs | project_* | lsp_json_rpc | ts_reparse | schema_ts_edits) return 0 ;;
    *) return 1 ;;
  esac
}
make_seeds() {
  local target="$1" dir="$work/seeds/$1" n=0
  rm -rf "$dir"
  mkdir -p "$dir"
  while IFS= read -r file; do
    [ -f "$file" ] || continue
    n=$((n + 1))
    if takes_selector "$target"; then
      for selector in 0 1 2 3 4; do
        { printf "\\x$(printf %02x "$selector")"; cat "$file"; } >"$dir/$n-$selector"
      done
    else
      cp "$file" "$dir/$n"
    fi
  done < <(seed_files "$target" | sort)
  # A gzip-compressed log, so the decompressing path starts covered.
  if [ "$target" = logs ]; then
    gzip -c fixtures/logs/stderr_debian.log | { printf '\x00'; cat; } >"$dir/gz"
  fi
}
dictionary() {
  case "$1" in
    sql_replay | pgss) echo tests/fuzz/dict/sql.dict ;;
    logs) cat tests/fuzz/dict/sql.dict tests/fuzz/dict/log.dict >"$work/logs.dict" && echo "$work/logs.dict" ;;
  esac
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
failed=()
for target in "${targets[@]}"; do
  make_seeds "$target"
  mkdir -p "$work/corpus/$target"
  dict_args=()
  dict="$(dictionary "$target")"
  if [ -n "$dict" ]; then
    dict_args=(-dict="$dict")
  fi
  echo "fuzz: $target for ${seconds}s" >&2
  # -rss_limit_mb: the issue's memory bound; -timeout: any one input taking
  # longer than 20 s is a hang. Seeds are read, new inputs go to corpus/.
  # The outer timeout: libFuzzer's out-of-memory report walks the whole ASan
  # heap first, which can take longer than the run (seen with a 2 GB heap);
  # a run that outlives its time by two minutes is stopped and fails.
  if ! timeout --kill-after=10 "$((seconds + 120))" \
    build-asan/tests/fuzz/fuzz_"$target" "$work/corpus/$target" "$work/seeds/$target" \
    "${dict_args[@]}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$work/artifacts/${target}-" -print_final_stats=1 >"$work/$target.log" 2>&1; then
    failed+=("$target")
    tail -40 "$work/$target.log" >&2
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$work/$target.log" | tr '\n' ' ' >&2 || true
  echo >&2
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: failures in ${failed[*]} (inputs in $work/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, no crash, leak or hang" >&2
