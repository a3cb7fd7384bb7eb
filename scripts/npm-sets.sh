#!/usr/bin/env bash
# Installs sets of pinned npm packages into DIR, each set a private npm
# project of its own (DIR/NAME), for install-drizzle-tools.sh and
# install-editor-tools.sh. A set whose folder already holds those exact
# versions is kept; any other is installed afresh.
# Usage: npm-sets.sh DIR WHO "NAME|PACKAGE@VERSION ..." ...
#   WHO names the caller in the progress lines.
set -euo pipefail
dir="$1"
who="$2"
shift 2
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
for entry in "$@"; do
  name="${entry%%|*}"
  packages="${entry#*|}"
  target="$dir/$name"
  if [ -f "$target/.installed" ] && [ "$(cat "$target/.installed")" = "$packages" ]; then
    continue
  fi
  echo "$who: installing $packages into $target" >&2
  rm -rf "$target"
  mkdir -p "$target"
  printf '{ "name": "pgadvise-%s", "private": true }\n' "$name" >"$target/package.json"
  # shellcheck disable=SC2086 # the package list is words on purpose
  (cd "$target" && npm install --no-progress --loglevel=error --save-exact $packages >/dev/null)
  printf '%s\n' "$packages" >"$target/.installed"
done
