#!/usr/bin/env bash
# Builds kg twice and runs the whole test suite in each build:
#   build/       g++, RelWithDebInfo
#   build-asan/  clang-14 with AddressSanitizer + UndefinedBehaviorSanitizer, plus the libFuzzer
#                targets, which ctest runs for 60 seconds each there.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

jobs=${KG_JOBS:-2}
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

echo "== normal build (g++) =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build (clang-14) =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKG_SANITIZE=ON -DKG_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake --build build-asan -j"$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "all tests passed"
