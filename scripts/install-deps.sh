#!/usr/bin/env bash
# Installs what commerce_fdw needs to build, test and run its demo on Debian 12
# (run as root). Does nothing when everything is already there. clang and its
# runtime libraries (libFuzzer, sanitizers) build the fuzz targets (test/fuzz).
set -euo pipefail

PACKAGES=(
  build-essential g++ make cmake pkg-config
  postgresql-15 postgresql-server-dev-15 postgresql-client-15
  libcurl4-openssl-dev rapidjson-dev googletest libgtest-dev
  python3 ca-certificates util-linux
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's postgresql package may start a cluster of its own; the project's
# scripts use throwaway clusters and leave it alone.
echo "install-deps: done"
