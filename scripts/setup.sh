#!/usr/bin/env bash
# Installs the Debian 12 packages kg needs to build, test and run. Idempotent: it
# installs only what is missing, so a second run does nothing but check.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  clang-14 libclang-rt-14-dev
  librocksdb-dev rocksdb-tools
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev libicu-dev
  libre2-dev nlohmann-json3-dev libjemalloc-dev
  python3-grpcio python3-protobuf
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
