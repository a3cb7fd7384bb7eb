#!/usr/bin/env bash
# Installs what pgadvise needs to build and test, from Debian's packages only.
# Idempotent: installs nothing when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache lld
  libpg-query-dev   # SQL parsing, fingerprinting, normalizing (PostgreSQL 15 grammar)
  libpq-dev         # live databases
  libcli11-dev      # command line
  nlohmann-json3-dev # JSON in (snapshots, parse trees) and out (reports)
  libgtest-dev      # unit tests
  zlib1g-dev        # gzip-compressed logs
  libyaml-cpp-dev   # YAML: GitHub/GitLab workflows, compose files, render.yaml (with line marks)
  libtomlplusplus-dev # TOML: netlify.toml, fly.toml, railway.toml
  libssl-dev        # libcrypto: SHA-256 of migration files, as drizzle-orm records them
  libbz2-dev liblzma-dev libzstd-dev # bzip2, xz and zstd-compressed logs (told apart by magic bytes)
  postgresql-15 postgresql-15-hypopg # throwaway clusters for tests, benchmarks and the demo
  clang-format-14 clang-tidy-14 # the style checks scripts/test.sh runs (scripts/check-style.sh)
  clang-14 libclang-rt-14-dev # the sanitizer build and libFuzzer targets (scripts/build-asan.sh, scripts/fuzz.sh)
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
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
