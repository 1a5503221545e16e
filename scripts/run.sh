#!/usr/bin/env bash
# Sets up (installs missing Debian packages), builds kgd and kg, and runs the main job: start kgd
# on the embedded ./kg-data, ingest the reference brief in ../shared/seed/, print the partners of
# the Stargate project through `kg query`, stop kgd.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build build -j"${KG_JOBS:-2}" --target kgd kg
server/run_demo.sh build
