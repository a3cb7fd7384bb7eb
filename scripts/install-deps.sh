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
  libtomlplusplus-dev # .pgadvise.toml config file (keys keep their line for errors)
  postgresql-15 postgresql-15-hypopg # throwaway clusters for tests, benchmarks and the demo
  clang-format-14 clang-tidy-14 # the style checks scripts/test.sh runs (scripts/check-style.sh)
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
