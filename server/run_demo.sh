#!/usr/bin/env bash
# The README's main job, after the build: start kgd on the embedded ./kg-data, ingest the
# reference brief, print the partners of the Stargate project through `kg query`, stop kgd.
#
#   server/run_demo.sh [BUILD_DIR]        (default: ./build; run from the repository root)
#
# kgd listens on a free loopback port (--listen=127.0.0.1:0, the port read back from
# --port_file), so the demo never collides with another kgd. Exits non-zero on any failure, and
# always stops the kgd it started.
set -euo pipefail

build_dir="${1:-build}"
kgd="$build_dir/server/kgd"
kg="$build_dir/cli/kg"
# The reference brief: $KG_SEED_DIR, else shared/ beside the checkout, else the team machines'
# /work/shared (the same fallback as tests/ingest/CMakeLists.txt, for a clone elsewhere).
seed="${KG_SEED_DIR:-../shared/seed/}"
if [ -z "${KG_SEED_DIR:-}" ] && [ ! -d "$seed" ] && [ -d /work/shared/seed ]; then
  seed=/work/shared/seed/
fi
data_dir="${KG_DATA_DIR:-./kg-data}"
for bin in "$kgd" "$kg"; do
  [ -x "$bin" ] || { echo "run_demo: $bin is missing; build first" >&2; exit 1; }
done
[ -d "$seed" ] || { echo "run_demo: no seed directory $seed" >&2; exit 1; }

run_dir="$(mktemp -d)"
port_file="$run_dir/port"
log="$run_dir/kgd.log"
kgd_pid=""

stop_kgd() {
  if [ -n "$kgd_pid" ] && kill -0 "$kgd_pid" 2>/dev/null; then
    kill -TERM "$kgd_pid"
    # Graceful shutdown: in-flight calls finish, data is flushed, exit code 0.
    if ! wait "$kgd_pid"; then
      echo "run_demo: kgd did not exit cleanly; its log:" >&2
      cat "$log" >&2
      kgd_pid=""
      return 1
    fi
  fi
  kgd_pid=""
}
cleanup() {
  local rc=$?
  stop_kgd || rc=1
  rm -rf "$run_dir"
  exit $rc
}
trap cleanup EXIT INT TERM

"$kgd" --data_dir="$data_dir" --listen=127.0.0.1:0 --port_file="$port_file" 2>"$log" &
kgd_pid=$!

# Wait (at most 60 s) until kgd serves: the port file is written once it listens, and
# `kg stats` answering means the health of the service is SERVING.
for _ in $(seq 1 600); do
  if [ -s "$port_file" ]; then break; fi
  if ! kill -0 "$kgd_pid" 2>/dev/null; then
    echo "run_demo: kgd failed to start:" >&2
    cat "$log" >&2
    kgd_pid=""
    exit 1
  fi
  sleep 0.1
done
[ -s "$port_file" ] || { echo "run_demo: kgd did not start within 60 s" >&2; cat "$log" >&2; exit 1; }
server="127.0.0.1:$(cat "$port_file")"
"$kg" stats --server="$server" >/dev/null

echo "== kg ingest $seed"
"$kg" ingest "$seed" --server="$server"

echo "== Which partners joined the Stargate project?"
query="g.V().has('Program', 'name', 'Stargate Project').in('PARTICIPATES_IN').values('name').dedup()"
"$kg" query "$query" --server="$server"
answers="$("$kg" query "$query" --format=json --server="$server" | wc -l)"
if [ "$answers" -eq 0 ]; then
  echo "run_demo: the graph holds no partners of the Stargate project" >&2
  exit 1
fi

stop_kgd
echo "== kgd stopped; the graph stays in $data_dir"
