#!/usr/bin/env bash
# Builds what users install without a compiler (README "Install"):
#   pgadvise-<version>-linux-x64.tar.gz   the portable bundle: pgadvise with
#       libstdc++/libgcc and every library Debian ships a static archive for
#       linked in, and lib/ holding libpq with the libraries it needs
#       (OpenSSL, Kerberos, LDAP, GnuTLS), found through the binary's
#       $ORIGIN/lib run path. Needs glibc 2.34 or newer, nothing else.
#   npm/pgadvise-<version>.tgz, npm/pgadvise-linux-x64-<version>.tgz
#       (--npm) the npm packages: `pgadvise`, whose bin is a Node shim, and
#       `@pgadvise/linux-x64`, which carries the bundle (scripts/npm/).
#   pgadvise-<version>.vsix
#       (--vsix) the VS Code extension (editors/vscode/) with the bundle in
#       its bin/, packed by @vscode/vsce with vscode-languageclient, both
#       from scripts/install-editor-tools.sh's cache: no network.
# The version is the one in CMakeLists.txt's project(). Only relinks the
# pgadvise_portable target of an existing build directory; takes no lock
# (run it under /tmp/pgadvise-cpu.lock yourself, as ctest already is).
#
# Usage: scripts/package.sh [--npm] [--vsix] [BUILD_DIR [OUT_DIR]]
#   BUILD_DIR defaults to build/, OUT_DIR to BUILD_DIR/dist.
set -euo pipefail

npm_too=false
vsix_too=false
while [ "${1:-}" = "--npm" ] || [ "${1:-}" = "--vsix" ]; do
  if [ "$1" = "--npm" ]; then
    npm_too=true
  else
    vsix_too=true
  fi
  shift
done
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="$(cd "${1:-$source_dir/build}" && pwd)"
out_dir="${2:-$build_dir/dist}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"

if [ ! -f "$build_dir/pgadvise-version.txt" ]; then
  echo "package.sh: $build_dir is not a configured pgadvise build directory (no pgadvise-version.txt)" >&2
  exit 2
fi
version="$(cat "$build_dir/pgadvise-version.txt")"
platform=linux-x64
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "package.sh: only linux-x64 bundles are built so far (this is $(uname -s)-$(uname -m))" >&2
  exit 2
fi

# Same compiler cache settings as scripts/build.sh, so a worktree's relink
# reuses the objects it already has.
export CCACHE_BASEDIR="$source_dir" CCACHE_NOHASHDIR=true
cmake --build "$build_dir" --target pgadvise_portable >&2

name="pgadvise-$version-$platform"
stage="$out_dir/$name"
rm -rf "$stage"
mkdir -p "$stage/lib"
# No debug info: the bundle is for running, and the symbols triple its size.
strip --strip-all -o "$stage/pgadvise" "$build_dir/pgadvise_portable"

# glibc's own libraries come from the system the bundle runs on; every other
# shared library the binary loads, directly or through another library, is
# copied beside it. ldd walks the whole tree with this system's loader.
is_glibc() {
  case "$1" in
    linux-vdso.so.* | ld-linux-x86-64.so.* | libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | \
      librt.so.* | libresolv.so.* | libutil.so.* | libanl.so.* | libnsl.so.* | libBrokenLocale.so.*)
      return 0
      ;;
  esac
  return 1
}
while read -r soname _ path _; do
  if is_glibc "$soname"; then
    continue
  fi
  if [ -z "$path" ] || [ ! -f "$path" ]; then
    echo "package.sh: $soname, which pgadvise needs, was not found" >&2
    exit 1
  fi
  cp -L "$path" "$stage/lib/$soname"
  chmod 0644 "$stage/lib/$soname"
done < <(ldd "$stage/pgadvise" | awk '$2 == "=>" { print $1, $2, $3 }')

cat > "$stage/README.txt" <<EOF
pgadvise $version for Linux x86-64 (glibc 2.34 or newer).

Run ./pgadvise from this folder, or put the folder anywhere and link
./pgadvise into your PATH. lib/ holds the libraries pgadvise loads (libpq
and what it needs); the binary finds them beside itself, so the folder must
stay together.
EOF

tar -C "$out_dir" -czf "$out_dir/$name.tar.gz" --owner=0 --group=0 --numeric-owner "$name"
echo "$out_dir/$name.tar.gz"

if [ "$npm_too" = true ]; then
  npm_dir="$out_dir/npm"
  rm -rf "$npm_dir"
  mkdir -p "$npm_dir"
  # The platform package: the bundle's files under bin/, as esbuild's and
  # biome's per-platform packages carry their binary.
  cp -R "$source_dir/scripts/npm/platform" "$npm_dir/$platform"
  mkdir -p "$npm_dir/$platform/bin"
  cp -R "$stage/pgadvise" "$stage/lib" "$npm_dir/$platform/bin/"
  cp -R "$source_dir/scripts/npm/pgadvise" "$npm_dir/pgadvise"
  # The versions: both packages and the dependency between them.
  node "$source_dir/scripts/npm/set-version.js" "$version" "$platform" "$npm_dir/pgadvise" "$npm_dir/$platform"
  # Packing needs no registry; a private cache keeps the user's untouched.
  (cd "$npm_dir" && npm pack --silent --offline --cache "$out_dir/npm-cache" --pack-destination "$npm_dir" \
    "./$platform" "./pgadvise" >/dev/null)
  ls "$npm_dir"/*.tgz
fi

if [ "$vsix_too" = true ]; then
  tools="${PGADVISE_EDITOR_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/pgadvise/editor-tools}"
  for need in vscode-client/node_modules/vscode-languageclient vsce/node_modules/.bin/vsce; do
    if [ ! -e "$tools/$need" ]; then
      echo "package.sh: $tools/$need is missing: run scripts/install-editor-tools.sh" >&2
      exit 1
    fi
  done
  extension="$out_dir/vscode"
  rm -rf "$extension"
  mkdir -p "$extension/bin"
  (cd "$source_dir/editors/vscode" &&
    cp package.json extension.js server_path.js README.md LICENSE.md .vscodeignore "$extension/")
  cp -R "$tools/vscode-client/node_modules" "$extension/node_modules"
  # The bundle as the tarball has it: bin/pgadvise finds bin/lib/ beside it.
  cp -R "$stage/pgadvise" "$stage/lib" "$extension/bin/"
  node -e 'const fs = require("fs"); const file = process.argv[1];
    const manifest = JSON.parse(fs.readFileSync(file, "utf8")); manifest.version = process.argv[2];
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");' "$extension/package.json" "$version"
  (cd "$extension" && "$tools/vsce/node_modules/.bin/vsce" package --allow-missing-repository \
    --out "$out_dir/pgadvise-$version.vsix" >&2)
  echo "$out_dir/pgadvise-$version.vsix"
fi
