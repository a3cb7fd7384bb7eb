# shellcheck shell=bash
# Sourced by the bench scripts that log a Drizzle app's traffic on a
# throwaway PostgreSQL 15 (apps-folder.sh, dispatch-pool.sh,
# invoice-worker.sh): the steps they share, written once.
#
#   bench_npm_cache NAME DIR "PACKAGES"   the pinned packages, installed once
#                                         by npm into DIR (a cache folder)
#   bench_workdir NAME                    $work: a temporary folder, removed on exit
#   bench_logged_cluster [-c LINE]... -- SCRIPT
#                                         SCRIPT (bash) against a throwaway cluster
#                                         logging every statement; the server log
#                                         is copied to $work/postgresql.log
#   bench_write_log OUT                   $work/postgresql.log to OUT (mode 644)

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The log_line_prefix of every app log these scripts make.
bench_log_prefix='%m [%p] %q%u@%d/%a '

bench_npm_cache() {
  local name="$1" dir="$2" packages="$3"
  if [[ "$(cat "$dir/.installed" 2>/dev/null)" != "$packages" ]]; then
    echo "$name: installing $packages into $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '{ "name": "pgadvise-%s", "private": true }\n' "$(basename "$dir")" >"$dir/package.json"
    # shellcheck disable=SC2086 # the package list is words on purpose
    (cd "$dir" && npm_config_audit=false npm_config_fund=false npm install --no-progress --loglevel=error \
      --save-exact $packages >/dev/null)
    printf '%s\n' "$packages" >"$dir/.installed"
  fi
}

bench_workdir() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
  # shellcheck disable=SC2064 # the folder is known now
  trap "rm -rf '$work'" EXIT
}

# The cluster (scripts/pg-cluster.sh run: initdb in a temporary folder as the
# postgres user, a unix socket and a loopback port, removed afterwards) logs
# every statement with its duration (log_min_duration_statement = 0) under
# bench_log_prefix; further -c lines go to postgresql.conf. The superuser
# first stops logging its own sessions, so SCRIPT's set-up (CREATE DATABASE,
# migrations, seeds run as $PGUSER) stays out of the log and the log holds
# the app alone. SCRIPT runs under `set -euo pipefail` with the cluster's
# PG* variables and the caller's exported ones.
bench_logged_cluster() {
  local conf=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    conf+=("$1")
    shift
  done
  [[ $# -ge 2 ]] || { echo "bench_logged_cluster: [-c LINE]... -- SCRIPT" >&2; return 2; }
  # shellcheck disable=SC2016 # the cluster's shell expands its variables
  BENCH_LOG_COPY="$work/postgresql.log" "$bench_root/scripts/pg-cluster.sh" run \
    -c "log_line_prefix = '$bench_log_prefix'" \
    -c "log_min_duration_statement = 0" \
    "${conf[@]}" \
    -- bash -c 'set -euo pipefail
psql -q -X -v ON_ERROR_STOP=1 -d postgres -c "ALTER ROLE CURRENT_USER SET log_min_duration_statement = -1" >/dev/null
'"$2"'
sleep 1 # the logging collector writes the last lines
cp "$PGCLUSTER_LOGDIR"/postgresql*.log "$BENCH_LOG_COPY"'
}

bench_write_log() {
  local out="$1"
  mkdir -p "$(dirname "$out")"
  cp "$work/postgresql.log" "$out"
  chmod 644 "$out"
}
