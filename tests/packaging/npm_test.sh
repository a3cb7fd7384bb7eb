#!/usr/bin/env bash
# The npm packages (scripts/package.sh --npm): installed from their local
# tarballs into an empty project, with no registry reachable, `npx pgadvise`
# behaves exactly as the binary it runs: arguments, exit codes (0, 1, 2),
# standard input, output and error, and signals (SIGTERM to the shim reaches
# the binary and the shim dies of it too).
# Usage: npm_test.sh SOURCE_DIR BUILD_DIR DIST_DIR (DIST_DIR: package.sh's output)
source "$(dirname "$0")/common.sh" "$@"
project="$tmp/an app"
mkdir -p "$project"
cp "$dist_dir/npm/pgadvise-$version.tgz" "$dist_dir/npm/pgadvise-linux-x64-$version.tgz" "$project/"
printf '{ "name": "an-app", "version": "1.0.0", "private": true }\n' >"$project/package.json"

# A private cache and config, offline: nothing comes from a registry.
export npm_config_cache="$tmp/npm-cache" npm_config_userconfig="$tmp/npmrc" npm_config_offline=true \
  npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
touch "$tmp/npmrc"
(cd "$project" && npm install --no-progress --loglevel=error "./pgadvise-linux-x64-$version.tgz" "./pgadvise-$version.tgz") \
  >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log" >&2
  echo "FAIL: npm install of the two tarballs failed" >&2
  exit 1
}
native="$project/node_modules/@pgadvise/linux-x64/bin/pgadvise"
[ -x "$native" ] || {
  echo "FAIL: the platform package did not install an executable bin/pgadvise" >&2
  exit 1
}
python3 - "$project/node_modules/pgadvise/package.json" "$version" <<'EOF' || fail "the pgadvise package's version or dependency is not $version"
import json, sys
pkg = json.load(open(sys.argv[1]))
sys.exit(0 if pkg["version"] == sys.argv[2] and pkg["optionalDependencies"] == {"@pgadvise/linux-x64": sys.argv[2]} else 1)
EOF

app="$tmp/drizzle app"
cp -R "$source_dir/fixtures/drizzle-app" "$app"
log="$source_dir/fixtures/logs/drizzle_app.log"

# A report with its run time masked (the only part two runs may differ in).
untimed() { sed -E 's/"elapsed_ms": *[0-9.]+/"elapsed_ms": 0/g; s/[0-9]+(\.[0-9]+)? ?(ms|s)\b/TIME/g' "$1"; }

# Runs one command through npx and straight through the binary, with the
# same arguments and standard input, and compares everything but timing.
# Usage: same EXPECTED_EXIT STDIN_FILE ARGS...
same() {
  local expected="$1" input="$2"
  shift 2
  local code_npx code_native
  set +e
  (cd "$project" && npx --no-install pgadvise "$@" <"$input" >"$tmp/npx.out" 2>"$tmp/npx.err")
  code_npx=$?
  (cd "$project" && "$native" "$@" <"$input" >"$tmp/native.out" 2>"$tmp/native.err")
  code_native=$?
  set -e
  [ "$code_native" -eq "$expected" ] || fail "pgadvise $* exited $code_native, expected $expected: $(head -3 "$tmp/native.err")"
  [ "$code_npx" -eq "$code_native" ] || fail "npx pgadvise $* exited $code_npx, the binary $code_native"
  for stream in out err; do
    cmp -s <(untimed "$tmp/npx.$stream") <(untimed "$tmp/native.$stream") ||
      fail "npx pgadvise $*: std$stream differs from the binary's: $(diff <(untimed "$tmp/npx.$stream") <(untimed "$tmp/native.$stream") | head -5)"
  done
  [ -s "$tmp/native.out" ] || [ -s "$tmp/native.err" ] || fail "pgadvise $* printed nothing"
}

same 0 /dev/null rules
same 0 /dev/null rules show unindexed-foreign-key
same 1 /dev/null lint "$app" --fail-on low
same 0 /dev/null lint "$app" --fail-on none --format json
# An argument with spaces, quotes and a dollar sign stays one argument.
same 2 /dev/null lint "$tmp/no such 'dir' \$HOME"
same 2 /dev/null lint --no-such-option
# Standard input: a server log read from '-'.
same 1 "$log" lint "$app" --log - --fail-on low --format json
python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["input_summary"]["workload"]["statements"] > 0 else 1)' \
  "$tmp/npx.out" || fail "the log read from stdin through npx left no statement in the report"

# Signals: the shim forwards SIGTERM to the binary and dies of SIGTERM itself.
python3 - "$project/node_modules/.bin/pgadvise" "$native" "$app" <<'EOF' || fail "SIGTERM did not pass through the shim"
import os, select, signal, subprocess, sys, time

shim, native, app = sys.argv[1:4]
# `lint --log -` blocks reading stdin, which stays open: the binary only ends by the signal.
proc = subprocess.Popen([shim, "lint", app, "--log", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

def native_child():
    """The pid of the binary once the shim has started it (its /proc children)."""
    for task in os.listdir(f"/proc/{proc.pid}/task"):
        with open(f"/proc/{proc.pid}/task/{task}/children") as f:
            for pid in f.read().split():
                try:
                    if os.path.realpath(f"/proc/{pid}/exe") == os.path.realpath(native):
                        return int(pid)
                except OSError:
                    pass
    return None

deadline = time.monotonic() + 60  # a hang guard, not a timing assertion
child = None
while child is None and proc.poll() is None and time.monotonic() < deadline:
    child = native_child()
    time.sleep(0.05)
if child is None:
    sys.exit(f"the shim never started {native} (exit {proc.poll()})")
proc.send_signal(signal.SIGTERM)
code = proc.wait(timeout=60)
if code != -signal.SIGTERM:
    sys.exit(f"the shim ended with {code}, not by SIGTERM")
# The binary held the write end of stdout: EOF means it is gone too.
fd = proc.stdout.fileno()
while True:
    ready, _, _ = select.select([fd], [], [], max(0.0, deadline + 60 - time.monotonic()))
    if not ready:
        os.kill(child, signal.SIGKILL)
        sys.exit("the binary outlived the shim: SIGTERM was not forwarded")
    if os.read(fd, 65536) == b"":
        break
EOF

finish npm
