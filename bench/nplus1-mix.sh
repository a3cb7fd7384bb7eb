#!/usr/bin/env bash
# Pooled traffic with true N+1s among look-alikes, from a real PostgreSQL 15.
#
#   bench/nplus1-mix.sh --out DIR/NAME [--seed N] [--clients C] [--requests T]
#                       [--mix MIX] [--comments] [--logging statement|duration]
#                       [--protocol extended|simple] [--prefix 'log_line_prefix']
#
# Starts a throwaway cluster (scripts/pg-cluster.sh: initdb in a temporary
# directory as the postgres user, unix socket + loopback port), then runs
# pgbench with C clients, each keeping one connection (as a pool does) and
# running T requests back to back, each request a script picked at random by
# weight (pgbench -f script@weight, --random-seed N). The server writes the
# same events to stderr, csvlog and jsonlog: DIR/NAME.log, NAME.csv,
# NAME.json, plus NAME.txt saying how they were made.
#
# The requests (every per-row value comes from pgbench's random(), so the
# rows of one page take different values):
#   true N+1s
#     feed      posts page (10 rows), then one users lookup per row (autocommit)
#     digest    BEGIN, 5 posts, then tags and author per post (two relations), COMMIT
#     author    an author's posts, an unrelated notifications count, then one
#               comments lookup per post (the parent is not the statement just
#               before the run)
#   look-alikes
#     hot       one single-row posts lookup (a pool may run it many times in a row)
#     profile   users by id, notifications count (a two-statement request)
#     login     users by email, UPDATE last_login_at, settings (three statements)
#     batched   feed's posts page (the same query), then its authors in one
#               `= ANY(ARRAY(SELECT ...))` query and its tags in one
#               `= ANY(ARRAY[...])` query: the page done right
#   --comments  every statement carries a sqlcommenter comment
#               (/*route='...',file='...',traceparent='00-...'*/, one trace id
#               per request); with it the protocol is simple (pgbench would
#               turn :variables inside the comment into parameters).
#
# Mixes (weights of feed,digest,author,hot,profile,login,batched):
#   balanced   3,2,2,4,3,3,2      hot        2,1,1,12,2,2,1
#   login      2,1,1,3,3,10,2     requests   1,1,1,6,8,8,3
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

out=""
seed=1
clients=4
requests=40
mix=balanced
comments=0
logging=statement
protocol=extended
prefix='%m [%p] %q%u@%d '
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --mix) mix="$2"; shift 2 ;;
    --comments) comments=1; protocol=simple; shift ;;
    --logging) logging="$2"; shift 2 ;;
    --protocol) protocol="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    *) sed -n '2,36p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "nplus1-mix: --out DIR/NAME is required" >&2; exit 2; }
case "$mix" in
  balanced) weights=(3 2 2 4 3 3 2) ;;
  hot) weights=(2 1 1 12 2 2 1) ;;
  login) weights=(2 1 1 3 3 10 2) ;;
  requests) weights=(1 1 1 6 8 8 3) ;;
  *) echo "nplus1-mix: unknown mix $mix" >&2; exit 2 ;;
esac
case "$logging" in
  statement) log_conf=(-c "log_statement = 'all'" -c "log_min_duration_statement = -1") ;;
  duration) log_conf=(-c "log_min_duration_statement = 0") ;;
  *) echo "nplus1-mix: --logging statement|duration" >&2; exit 2 ;;
esac
out="$(realpath -m "$out")"
mkdir -p "$(dirname "$out")"

scripts="$(mktemp -d "${TMPDIR:-/tmp}/nplus1-mix.XXXXXX")"
chmod 755 "$scripts"
trap 'rm -rf "$scripts"' EXIT

# comment ROUTE FILE: the sqlcommenter comment for one statement ("" without --comments).
comment() {
  if [[ "$comments" == 1 ]]; then
    printf " /*file='%s',route='%s',traceparent='00-4bf92f3577b34da6a3ce929:trace-00f067aa0ba902b7-01'*/" "$2" "$1"
  fi
}
trace() {
  if [[ "$comments" == 1 ]]; then
    echo '\set trace random(100000000, 999999999)'
  fi
}

{
  trace
  echo '\set off random(0, 40)'
  echo "SELECT id, user_id, title FROM posts ORDER BY id DESC LIMIT 10 OFFSET :off$(comment /feed src/routes/feed.ts);"
  for i in $(seq 1 10); do
    echo "\\set u$i random(1, 200)"
    echo "SELECT id, email FROM users WHERE id = :u$i$(comment /feed src/routes/feed.ts);"
  done
} >"$scripts/feed.sql"
{
  trace
  echo '\set off random(0, 100)'
  echo "BEGIN;"
  echo "SELECT id, user_id, title FROM posts ORDER BY id LIMIT 5 OFFSET :off$(comment /digest src/routes/digest.ts);"
  for i in $(seq 1 5); do
    echo "\\set p$i random(1, 1000)"
    echo "\\set u$i random(1, 200)"
    echo "SELECT name FROM tags WHERE post_id = :p$i$(comment /digest src/routes/digest.ts);"
    echo "SELECT id, email FROM users WHERE id = :u$i$(comment /digest src/routes/digest.ts);"
  done
  echo "COMMIT;"
} >"$scripts/digest.sql"
{
  trace
  echo '\set author random(1, 200)'
  echo "SELECT id, title FROM posts WHERE user_id = :author ORDER BY id DESC LIMIT 10$(comment /authors/:id src/routes/author.ts);"
  echo "SELECT count(*) FROM notifications WHERE user_id = :author AND NOT read$(comment /authors/:id src/routes/author.ts);"
  for i in $(seq 1 10); do
    echo "\\set p$i random(1, 1000)"
    echo "SELECT id, body FROM comments WHERE post_id = :p$i ORDER BY id$(comment /authors/:id src/routes/author.ts);"
  done
} >"$scripts/author.sql"
{
  trace
  echo '\set pid random(1, 1000)'
  echo "SELECT id, title FROM posts WHERE id = :pid$(comment /posts/:id src/routes/post.ts);"
} >"$scripts/hot.sql"
{
  trace
  echo '\set uid random(1, 200)'
  echo "SELECT id, email FROM users WHERE id = :uid$(comment /profile src/routes/profile.ts);"
  echo "SELECT count(*) FROM notifications WHERE user_id = :uid AND NOT read$(comment /profile src/routes/profile.ts);"
} >"$scripts/profile.sql"
{
  trace
  echo '\set uid random(1, 200)'
  echo "SELECT id, email FROM users WHERE email = 'user' || :uid || '@example.com'$(comment /login src/routes/login.ts);"
  echo "UPDATE users SET last_login_at = now() WHERE id = :uid$(comment /login src/routes/login.ts);"
  echo "SELECT theme FROM settings WHERE user_id = :uid$(comment /login src/routes/login.ts);"
} >"$scripts/login.sql"
{
  trace
  echo '\set off random(0, 40)'
  for i in $(seq 1 10); do
    echo "\\set p$i random(1, 1000)"
  done
  echo "SELECT id, user_id, title FROM posts ORDER BY id DESC LIMIT 10 OFFSET :off$(comment /feed/batched src/routes/batched.ts);"
  echo "SELECT id, email FROM users WHERE id = ANY(ARRAY(SELECT user_id FROM posts ORDER BY id DESC LIMIT 10 OFFSET :off))$(comment /feed/batched src/routes/batched.ts);"
  echo "SELECT post_id, name FROM tags WHERE post_id = ANY(ARRAY[:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, :p10]::int[])$(comment /feed/batched src/routes/batched.ts);"
} >"$scripts/batched.sql"

names=(feed digest author hot profile login batched)
pgbench_args=(-n -M "$protocol" -c "$clients" -t "$requests" --random-seed="$seed")
for i in "${!names[@]}"; do
  pgbench_args+=(-f "$scripts/${names[$i]}.sql@${weights[$i]}")
done
export NPLUS1_OUT="$out" NPLUS1_HERE="$here" NPLUS1_PGBENCH="${pgbench_args[*]}"

"$root/scripts/pg-cluster.sh" run \
  -c "log_line_prefix = '$prefix'" \
  -c "log_destination = 'stderr,csvlog,jsonlog'" \
  -c "logging_collector = on" \
  "${log_conf[@]}" \
  -c "log_connections = on" \
  -c "log_disconnections = on" \
  -- bash -c '
set -euo pipefail
# The schema is set up unlogged: the log holds only the requests.
PGOPTIONS="-c log_statement=none -c log_min_duration_statement=-1 -c log_connections=off -c log_disconnections=off" \
  psql -q -X -v ON_ERROR_STOP=1 -d postgres -f "$NPLUS1_HERE/nplus1-mix-schema.sql" >/dev/null
PGAPPNAME=web pgbench $NPLUS1_PGBENCH postgres >/dev/null
sleep 1 # the logging collector writes the last lines
for ext in log csv json; do cp "$PGCLUSTER_LOGDIR/postgresql.$ext" "${NPLUS1_OUT}.$ext"; done
'
chmod 644 "$out".log "$out".csv "$out".json
{
  echo "Made by bench/nplus1-mix.sh on PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}'):"
  echo "  mix=$mix (weights feed,digest,author,hot,profile,login,batched = ${weights[*]})"
  echo "  seed=$seed clients=$clients requests per client=$requests protocol=$protocol logging=$logging"
  echo "  comments=$([[ $comments == 1 ]] && echo sqlcommenter || echo none) log_line_prefix='$prefix'"
} >"$out.txt"
echo "wrote $out.{log,csv,json,txt} ($(( $(stat -c %s "$out.log") / 1000 )) kB stderr)" >&2
