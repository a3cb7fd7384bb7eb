#!/usr/bin/env bash
# Installs what pgadvise needs to build and test, from Debian's packages only.
# Idempotent: installs nothing when everything is already there.
#   (no option)   everything scripts/test.sh and .ci/run use: the build, the
#                 tests' programs (PostgreSQL, Chromium, Node with drizzle-kit
#                 and TypeScript), clang-14 and its tools
#   --demo        what scripts/demo.sh uses: the build packages, PostgreSQL 15
#                 and HypoPG (README command 1; none of the test dependencies)
#   --build-only  just what building the tool needs (the GitHub Action,
#                 .github/actions/pgadvise, and users' CI jobs)
set -euo pipefail
set_name="${1:-}"

build_packages=(
  build-essential cmake ninja-build pkg-config
  libpg-query-dev   # SQL parsing, fingerprinting, normalizing (PostgreSQL 15 grammar)
  libpq-dev         # live databases
  libcli11-dev      # command line
  nlohmann-json3-dev # JSON in (snapshots, parse trees) and out (reports)
  rapidjson-dev     # the SQL replay reads libpg_query's parse trees in place (header-only)
  zlib1g-dev        # gzip-compressed logs
  libyaml-cpp-dev   # YAML: GitHub/GitLab workflows, compose files, render.yaml (with line marks)
  libtomlplusplus-dev # TOML: .pgadvise.toml, netlify.toml, fly.toml, railway.toml (with lines)
  libssl-dev        # libcrypto: SHA-256 of migration files, as drizzle-orm records them
  libbz2-dev liblzma-dev libzstd-dev # bzip2, xz and zstd-compressed logs (told apart by magic bytes)
  libedit-dev       # line editing and history at the interactive prompt (pgadvise shell); its
                    # static archives (and libncurses-dev's, libbsd-dev's) go into the portable bundle
)

demo_packages=(
  "${build_packages[@]}"
  postgresql-15 postgresql-15-hypopg # throwaway clusters for the demo, tests and benchmarks
)

packages=(
  "${demo_packages[@]}"
  ccache lld
  libgtest-dev      # unit tests
  python3-jsonschema # tests: the JSON report against its schema, SARIF against the SARIF 2.1.0 schema
  python3-yaml      # tests: the GitHub Action's action.yml parses and has its documented inputs
  nodejs            # scripts/package.sh --npm packs the npm packages; tests install and run them (+ npm, below)
  chromium          # headless browser that renders the HTML report in its test
  neovim            # a real editor (0.7's built-in LSP client) drives `pgadvise lsp` in its test
  clang-format-14 clang-tidy-14 # the style checks scripts/test.sh runs (scripts/check-style.sh)
  clang-14 libclang-rt-14-dev # the sanitizer build and libFuzzer targets (scripts/build-asan.sh, scripts/fuzz.sh)
)

case "$set_name" in
  "") ;;
  --demo) packages=("${demo_packages[@]}") ;;
  --build-only) packages=("${build_packages[@]}") ;;
  *)
    echo "usage: scripts/install-deps.sh [--demo | --build-only]" >&2
    exit 2
    ;;
esac

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# npm: Debian's package, unless npm is already there (NodeSource's nodejs
# package carries its own and conflicts with Debian's npm).
if [ -z "$set_name" ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

# The real drizzle-kit, drizzle-orm and TypeScript the `pgadvise fix`
# round-trip tests run, from the npm registry into a cached folder (tests
# never reach the network themselves).
install_drizzle_tools() {
  if [ -z "$set_name" ]; then
    "$(dirname "$0")/install-drizzle-tools.sh"
    # The language server's Node client and the VS Code extension's packer.
    "$(dirname "$0")/install-editor-tools.sh"
  fi
}

if [ "${#missing[@]}" -eq 0 ]; then
  install_drizzle_tools
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_drizzle_tools
