#!/usr/bin/env bash
# The VS Code extension (scripts/package.sh --vsix), built offline: the
# .vsix holds the manifest (this version, the entry point, the engines), the
# client and its one dependency's tree, and the bundled binary, which runs
# from where the extension unpacks it.
# Usage: vsix_test.sh SOURCE_DIR BUILD_DIR DIST_DIR (DIST_DIR: package.sh's output)
source "$(dirname "$0")/common.sh" "$@"
vsix="$dist_dir/pgadvise-$version.vsix"
[ -f "$vsix" ] || {
  echo "FAIL: $vsix was not built" >&2
  exit 1
}
unpacked="$tmp/an extension"
mkdir -p "$unpacked"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$vsix" "$unpacked"
extension="$unpacked/extension"
for file in package.json extension.js server_path.js node_modules/vscode-languageclient/package.json \
  node_modules/vscode-jsonrpc/package.json bin/pgadvise; do
  [ -f "$extension/$file" ] || fail "the .vsix has no extension/$file"
done
[ -f "$unpacked/extension.vsixmanifest" ] || fail "the .vsix has no extension.vsixmanifest"
python3 - "$extension/package.json" "$version" <<'PY' || fail "the manifest's version, main or engines are wrong"
import json, sys
manifest = json.load(open(sys.argv[1]))
assert manifest["version"] == sys.argv[2], manifest["version"]
assert manifest["main"] == "./extension.js"
assert manifest["engines"]["vscode"].startswith("^1.")
assert manifest["dependencies"] == {"vscode-languageclient": "9.0.1"}
PY
# A zip keeps no mode bits VS Code restores: the extension makes the binary
# executable itself; so does this test.
chmod +x "$extension/bin/pgadvise"
"$extension/bin/pgadvise" --version | grep -q "pgadvise $version" || fail "the bundled bin/pgadvise does not run"
# The client loads with its dependencies from the packed tree alone.
(cd "$extension" && node -e 'require("vscode-languageclient/package.json"); require("./server_path.js")') ||
  fail "the packed node_modules do not load"
finish "vsix"
