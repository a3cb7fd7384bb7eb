#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, fixtures, benchmarks and the demo.
#
# The server refuses to run as root, so when run as root the cluster belongs to
# the `postgres` user. It listens on a unix socket inside its own directory and
# on a free loopback port, and is removed when the caller is done.
#
# Usage (executed):
#   scripts/pg-cluster.sh run [-c 'conf line']... [-d DIR] -- COMMAND [ARGS...]
#       start a cluster, run COMMAND with PGHOST/PGPORT/PGUSER/PGDATABASE/
#       PGCLUSTER_DIR/PGCLUSTER_LOGDIR exported, then stop and delete the
#       cluster (also on error or Ctrl-C). Exits with COMMAND's status.
#   scripts/pg-cluster.sh start [-c 'conf line']... [-d DIR]
#       start a cluster and print `export ...` lines for eval; `stop` removes it.
#   scripts/pg-cluster.sh stop DIR
#
# Usage (sourced): `source scripts/pg-cluster.sh` defines pg_cluster_start,
# pg_cluster_stop and pg_cluster_as_owner; pg_cluster_start installs an EXIT
# trap that stops the cluster.
#
# Configuration lines (-c) go to postgresql.conf verbatim, e.g.
#   -c "log_min_duration_statement = 0" -c "shared_preload_libraries = 'auto_explain'"
# The server log goes to $PGCLUSTER_LOGDIR (logging_collector) unless the
# configuration says otherwise.

pg_cluster_bindir() {
  if [[ -n "${PG_BINDIR:-}" ]]; then
    echo "$PG_BINDIR"
  elif command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir
  else
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
  fi
}

# Runs a command as the cluster's owner: `postgres` when we are root.
pg_cluster_as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_cluster_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "pg-cluster: no free loopback port found" >&2
  return 1
}

# pg_cluster_start [-d DIR] [-c LINE]...: sets PGCLUSTER_DIR, PGHOST, PGPORT,
# PGUSER, PGDATABASE, PGCLUSTER_LOGDIR in the caller's shell.
pg_cluster_start() {
  local dir="" conf=() bindir
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -d) dir="$2"; shift 2 ;;
      -c) conf+=("$2"); shift 2 ;;
      *) echo "pg-cluster: unknown option $1" >&2; return 2 ;;
    esac
  done
  bindir="$(pg_cluster_bindir)"
  if [[ ! -x "$bindir/initdb" ]]; then
    echo "pg-cluster: initdb not found (install postgresql-15)" >&2
    return 1
  fi
  if [[ -z "$dir" ]]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/pg-cluster.XXXXXX")"
  fi
  mkdir -p "$dir/log"
  chmod 755 "$dir"
  if [[ "$(id -u)" == 0 ]]; then
    chown -R postgres: "$dir"
  fi
  PGCLUSTER_DIR="$dir"
  PGCLUSTER_LOGDIR="$dir/log"
  PGHOST="$dir"
  PGPORT="$(pg_cluster_free_port)" || return 1
  PGUSER=postgres
  PGDATABASE=postgres
  export PGCLUSTER_DIR PGCLUSTER_LOGDIR PGHOST PGPORT PGUSER PGDATABASE
  trap 'pg_cluster_stop "$PGCLUSTER_DIR"' EXIT

  pg_cluster_as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
    --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PGPORT"
    echo "unix_socket_directories = '$dir'"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "logging_collector = on"
    echo "log_directory = '$dir/log'"
    echo "log_filename = 'postgresql.log'"
    echo "log_rotation_size = 0"
    echo "log_rotation_age = 0"
    for line in "${conf[@]}"; do
      echo "$line"
    done
  } | pg_cluster_as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
  pg_cluster_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
    cat "$dir/server.log" >&2
    return 1
  }
}

# pg_cluster_stop DIR: stops the server and deletes the directory. Safe to call
# twice.
pg_cluster_stop() {
  local dir="${1:-${PGCLUSTER_DIR:-}}" bindir
  [[ -n "$dir" && -d "$dir" ]] || return 0
  bindir="$(pg_cluster_bindir)"
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    pg_cluster_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [[ -z "${PGCLUSTER_KEEP:-}" ]]; then
    rm -rf "$dir"
  fi
}

pg_cluster_main() {
  set -euo pipefail
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    run)
      local args=()
      while [[ $# -gt 0 && "$1" != "--" ]]; do
        args+=("$1")
        shift
      done
      [[ "${1:-}" == "--" ]] && shift
      [[ $# -gt 0 ]] || { echo "pg-cluster: run needs -- COMMAND" >&2; exit 2; }
      pg_cluster_start "${args[@]}"
      local status=0
      "$@" || status=$?
      exit "$status"
      ;;
    start)
      pg_cluster_start "$@"
      trap - EXIT
      echo "export PGCLUSTER_DIR='$PGCLUSTER_DIR' PGCLUSTER_LOGDIR='$PGCLUSTER_LOGDIR' PGHOST='$PGHOST'" \
        "PGPORT='$PGPORT' PGUSER='$PGUSER' PGDATABASE='$PGDATABASE'"
      ;;
    stop)
      pg_cluster_stop "${1:?pg-cluster: stop needs the cluster directory}"
      ;;
    *)
      sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 2
      ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  pg_cluster_main "$@"
fi
