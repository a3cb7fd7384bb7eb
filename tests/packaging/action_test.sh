#!/usr/bin/env bash
# The GitHub Action (.github/actions/pgadvise) on a default runner: its steps
# run here (tests/packaging/run_action.py) with the variables a runner sets,
# against the portable bundle (input bundle-path) and a fixture repository,
# with a PATH that holds only what ubuntu-latest has without a container
# and without build tools: no compiler, cmake, apt-get, dpkg or sudo. The
# SARIF report is written, annotations are printed, the step summary and the
# exit-code output are set, and the step fails only on findings at or above
# fail-on.
# Usage: action_test.sh SOURCE_DIR BUILD_DIR DIST_DIR (DIST_DIR: package.sh's output)
source "$(dirname "$0")/common.sh" "$@"

# A runner's tools, minus everything that builds or installs system packages.
runner_bin="$tmp/runner bin"
mkdir -p "$runner_bin"
for tool in bash sh env cat cp mv rm mkdir ls ln chmod touch head tail sed grep awk cut tr sort uniq wc \
  dirname basename readlink realpath mktemp uname id date printf echo test tee xargs find tar gzip \
  node npm npx python3; do
  found="$(command -v "$tool" || true)"
  if [ -n "$found" ] && [ "${found#/}" != "$found" ]; then
    ln -s "$(readlink -f "$found")" "$runner_bin/$tool"
  fi
done
# python3 itself, not a version manager's shim that re-reads PATH.
ln -sf "$(python3 -c 'import sys; print(sys.executable)')" "$runner_bin/python3"
runner_env=(env -u LD_LIBRARY_PATH PATH="$runner_bin" HOME="$tmp")

repo="$tmp/a repo"
cp -R "$source_dir/fixtures/drizzle-app" "$repo"

# Runs the Action in a fresh state folder; sets $state.
run() {
  state="$tmp/state-$1"
  shift
  mkdir -p "$state"
  set +e
  "${runner_env[@]}" python3 "$source_dir/tests/packaging/run_action.py" "$source_dir/.github/actions/pgadvise" \
    "$repo" "$state" "$@" >"$state/stdout" 2>"$state/stderr"
  action_code=$?
  set -e
}
result() { python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$state/result.json" "$1"; }

# 1. Findings at or above the default fail-on (high): report, annotations,
# summary, exit-code 1, the upload would run and then the Action fails.
run high bundle-path="$tarball" fail-on=high
[ -f "$state/result.json" ] || {
  cat "$state/stderr" >&2
  echo "FAIL: the Action did not run" >&2
  exit 1
}
[ "$(result 'r["outputs"]["exit-code"]')" = 1 ] ||
  fail "exit-code output is '$(result 'r["outputs"]["exit-code"]')', expected 1: $(tail -5 "$state/stderr")"
[ "$action_code" -eq 1 ] && [ "$(result 'r["result"]')" = failure ] || fail "the Action did not fail on high findings"
[ "$(result '[s["conclusion"] for s in r["steps"] if s["name"] == "Install pgadvise"][0]')" = success ] ||
  fail "the install step failed: $(tail -5 "$state/stderr")"
[ "$(result '[s["conclusion"] for s in r["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")][0]')" = "would run (uses)" ] ||
  fail "the SARIF upload would not run"
python3 - "$repo/pgadvise.sarif" <<'EOF' || fail "no SARIF report with results at $repo/pgadvise.sarif"
import json, sys
sarif = json.load(open(sys.argv[1]))
sys.exit(0 if sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] else 1)
EOF
grep -q '^::error file=' "$state/stdout" || fail "no ::error annotation printed"
grep -q "pgadvise $version" "$state/stdout" || fail "the install step did not print the installed version"
[ -s "$state/step-summary.md" ] || fail "nothing written to GITHUB_STEP_SUMMARY"
[ -z "$(ls -A "$state/runner-temp/pgadvise/lib" 2>/dev/null)" ] && fail "the bundle was not unpacked into RUNNER_TEMP"

# 2. fail-on none: the same report, exit-code 0, the Action succeeds.
rm -f "$repo/pgadvise.sarif"
run none bundle-path="$tarball" fail-on=none annotations=false sarif-file=reports/out.sarif
[ "$(result 'r["outputs"]["exit-code"]')" = 0 ] && [ "$action_code" -eq 0 ] ||
  fail "with fail-on none the Action ended $action_code with exit-code '$(result 'r["outputs"]["exit-code"]')': $(tail -5 "$state/stderr")"
[ "$(result 'r["outputs"]["sarif-file"]')" = reports/out.sarif ] && [ -s "$repo/reports/out.sarif" ] ||
  fail "sarif-file input not honoured"
grep -q '^::' "$state/stdout" && fail "annotations printed with annotations: false"

# 3. A usage error (exit code 2) fails the Action and uploads nothing.
run usage bundle-path="$tarball" args=--no-such-option
[ "$(result 'r["outputs"]["exit-code"]')" = 2 ] && [ "$action_code" -eq 1 ] || fail "a usage error did not fail the Action with exit-code 2"
[ "$(result '[s["conclusion"] for s in r["steps"] if "uses" in s or s["name"].startswith("Upload")][0]')" = skipped ] ||
  fail "the SARIF upload would run after a usage error"

finish action
