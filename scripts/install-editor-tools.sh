#!/usr/bin/env bash
# Installs, from the npm registry into a cached folder, what the language
# server's Node test and the VS Code extension's package step use:
#   lsp-client  vscode-jsonrpc + vscode-languageserver-protocol (the Node
#               client of tests/app/lsp/lsp_editors_test.cpp)
#   vscode-client  vscode-languageclient, the extension's one dependency
#               (scripts/package.sh copies its node_modules into the .vsix)
#   vsce        @vscode/vsce, which packs editors/vscode into a .vsix
# Tests and scripts/package.sh never reach the network: they use this folder
# and fail (never skip) when it is missing.
# Idempotent: a folder whose pinned versions are already installed is kept.
# Usage: install-editor-tools.sh [DIR]   (default: $PGADVISE_EDITOR_TOOLS, else ~/.cache/pgadvise/editor-tools)
set -euo pipefail
dir="${1:-${PGADVISE_EDITOR_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/pgadvise/editor-tools}}"

# name|packages: one folder per set, each a private npm project.
sets=(
  "lsp-client|vscode-jsonrpc@8.2.1 vscode-languageserver-protocol@3.17.5"
  "vscode-client|vscode-languageclient@9.0.1"
  "vsce|@vscode/vsce@3.2.2"
)
"$(dirname "$0")/npm-sets.sh" "$dir" install-editor-tools "${sets[@]}"
