#!/usr/bin/env bash
# Sets up (installs missing Debian packages), builds, and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build build -j"${KG_JOBS:-2}" --target kg_store_demo
./build/graph/kg_store_demo ./kg-data
