# Sourced by bench/nplus1-app.sh and fixtures/nplus1-app/generate-migrations.sh:
# nplus1_workdir DIR copies the fixture app (fixtures/nplus1-app) and the
# driver (bench/nplus1-app/*.ts) into DIR and gives it a node_modules as npm
# workspaces would lay it out: the pinned packages from the npm cache folder,
# @flowdesk/db and @flowdesk/api linked to their workspace folders.
nplus1_packages="drizzle-orm@0.45.4 drizzle-kit@0.31.11 pg@8.16.3 postgres@3.4.7 tsx@4.21.0 typescript@5.8.3 @trpc/server@11.4.3 zod@3.25.76 @types/pg@8.15.4 @types/node@22.15.0"

# Whether DIR/node_modules holds every pinned package at its version.
nplus1_installed() {
  local dir="$1" spec name version
  for spec in $nplus1_packages; do
    name="${spec%@*}"
    version="${spec##*@}"
    grep -q "\"version\": *\"$version\"" "$dir/node_modules/$name/package.json" 2>/dev/null || return 1
  done
}

# The npm cache folder, installed once (npm's own client, pinned versions).
nplus1_modules() {
  local dir="${PGADVISE_NPLUS1_NPM:-${XDG_CACHE_HOME:-$HOME/.cache}/pgadvise/nplus1-app-npm}"
  if ! nplus1_installed "$dir"; then
    echo "nplus1-app: installing $nplus1_packages into $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '{ "name": "pgadvise-nplus1-app-npm", "private": true }\n' >"$dir/package.json"
    # shellcheck disable=SC2086 # the package list is words on purpose
    (cd "$dir" && npm_config_audit=false npm_config_fund=false npm install --no-progress --loglevel=error \
      --save-exact $nplus1_packages >/dev/null)
    printf '%s\n' "$nplus1_packages" >"$dir/.installed"
  fi
  echo "$dir"
}

nplus1_workdir() {
  local work="$1" root modules entry
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  modules="$(nplus1_modules)"
  mkdir -p "$work/driver" "$work/node_modules/@flowdesk"
  cp -r "$root/fixtures/nplus1-app/." "$work/"
  cp "$root"/bench/nplus1-app/*.ts "$root/bench/nplus1-app/tsconfig.json" "$work/driver/"
  printf '{ "private": true, "type": "module" }\n' >"$work/driver/package.json"
  for entry in "$modules"/node_modules/* "$modules"/node_modules/.bin; do
    ln -s "$entry" "$work/node_modules/$(basename "$entry")"
  done
  ln -s ../../packages/db "$work/node_modules/@flowdesk/db"
  ln -s ../../apps/api "$work/node_modules/@flowdesk/api"
  chmod -R a+rX "$work"
}
