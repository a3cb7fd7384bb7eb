#!/usr/bin/env bash
# The portable bundle (scripts/package.sh) runs with nothing but glibc:
# unpacked into a temp folder, every library the binary loads, directly or
# through another library, resolves inside the bundle or is glibc's own;
# nothing in it needs a glibc newer than 2.34; and it lints the example app
# with no library path set, the same as the regular build does.
# Usage: bundle_test.sh SOURCE_DIR BUILD_DIR DIST_DIR (DIST_DIR: package.sh's output)
source "$(dirname "$0")/common.sh" "$@"
root="$tmp/unpacked here"
mkdir -p "$root"
tar -xzf "$tarball" -C "$root"
bundle="$root/pgadvise-$version-linux-x64"
binary="$bundle/pgadvise"
[ -x "$binary" ] || {
  echo "FAIL: $tarball has no executable pgadvise-$version-linux-x64/pgadvise" >&2
  exit 1
}

is_glibc() {
  case "$1" in
    ld-linux-x86-64.so.2 | libc.so.6 | libm.so.6 | libpthread.so.0 | libdl.so.2 | librt.so.1 | libresolv.so.2 | \
      libutil.so.1 | libanl.so.1 | libnsl.so.1)
      return 0
      ;;
  esac
  return 1
}

# 1. DT_NEEDED, followed through every library: each one is glibc's or in lib/.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p'; }
queue=("$binary")
declare -A seen=()
while [ "${#queue[@]}" -gt 0 ]; do
  elf="${queue[0]}"
  queue=("${queue[@]:1}")
  for lib in $(needed "$elf"); do
    if is_glibc "$lib" || [ -n "${seen[$lib]:-}" ]; then
      continue
    fi
    seen[$lib]=1
    if [ -f "$bundle/lib/$lib" ]; then
      queue+=("$bundle/lib/$lib")
    else
      fail "$(basename "$elf") needs $lib, which is neither glibc's nor in the bundle's lib/"
    fi
  done
done
for lib in "$bundle"/lib/*; do
  [ -n "${seen[$(basename "$lib")]:-}" ] || fail "lib/$(basename "$lib") is carried but nothing needs it"
done
case "$(needed "$binary")" in
  *libstdc++* | *libgcc_s*) fail "pgadvise loads the shared libstdc++/libgcc_s; they must be linked in" ;;
esac
readelf -d "$binary" | grep -q '(RPATH).*\[\$ORIGIN/lib\]' || fail "pgadvise has no \$ORIGIN/lib RPATH"

# 2. Nothing needs a symbol version newer than glibc 2.34 (Ubuntu 22.04, RHEL 9).
for elf in "$binary" "$bundle"/lib/*; do
  newest="$(objdump -T "$elf" | grep -o 'GLIBC_2\.[0-9]*' | sort -t. -k2,2n -u | tail -1)"
  minor="${newest#GLIBC_2.}"
  if [ -n "$newest" ] && [ "$minor" -gt 34 ]; then
    fail "$(basename "$elf") needs $newest (newer than glibc 2.34)"
  fi
done

# 3. Lint the example app from a clean environment (no LD_LIBRARY_PATH, no
# Debian library path) and watch where the loader found each library.
app="$tmp/drizzle app"
cp -R "$source_dir/fixtures/drizzle-app" "$app"
clean_env=(env -i PATH=/usr/bin:/bin HOME="$tmp" LANG=C.UTF-8)
set +e
"${clean_env[@]}" LD_DEBUG=libs LD_DEBUG_OUTPUT="$tmp/ld" "$binary" lint "$app" --format json \
  >"$tmp/bundle.json" 2>"$tmp/bundle.err"
bundle_code=$?
"${clean_env[@]}" "$build_dir/pgadvise" lint "$app" --format json >"$tmp/regular.json" 2>"$tmp/regular.err"
regular_code=$?
set -e
loaded="$(cat "$tmp"/ld.* | sed -n 's/.*calling init: \(.*\)$/\1/p' | sort -u)"
[ -n "$loaded" ] || fail "LD_DEBUG showed no library being initialised"
while read -r path; do
  case "$path" in
    "$bundle"/lib/*) ;;
    *)
      is_glibc "$(basename "$path")" || fail "pgadvise loaded $path from outside the bundle"
      ;;
  esac
done <<<"$loaded"
if [ "$bundle_code" -ne "$regular_code" ] || [ "$bundle_code" -ge 2 ]; then
  fail "the bundle's lint exited $bundle_code, the regular build's $regular_code: $(head -5 "$tmp/bundle.err")"
fi
untimed() { sed -E 's/"elapsed_ms": *[0-9.]+/"elapsed_ms": 0/g' "$1"; }
cmp -s <(untimed "$tmp/bundle.json") <(untimed "$tmp/regular.json") ||
  fail "the bundle's JSON report differs from the regular build's"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if r["findings"] else 1)' \
  "$tmp/bundle.json" || fail "the bundle's lint of the example app found nothing"

# A usage error travels as a C++ exception (CLI11): the statically linked
# unwinder (cmake/glibc_compat.cpp's lookup) must bring it to the handler.
set +e
"${clean_env[@]}" "$binary" lint --no-such-option >/dev/null 2>"$tmp/bundle.err"
bundle_code=$?
"${clean_env[@]}" "$build_dir/pgadvise" lint --no-such-option >/dev/null 2>"$tmp/regular.err"
regular_code=$?
set -e
[ "$bundle_code" -eq 2 ] && [ "$regular_code" -eq 2 ] && cmp -s "$tmp/bundle.err" "$tmp/regular.err" ||
  fail "a usage error: the bundle exited $bundle_code, the regular build $regular_code: $(head -3 "$tmp/bundle.err")"

# What the bundle carries (for the README and the release notes).
echo "bundle: $(du -h "$tarball" | cut -f1) packed, $(du -sh "$bundle" | cut -f1) unpacked"
(cd "$bundle/lib" && ls)

finish bundle
