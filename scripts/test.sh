#!/usr/bin/env bash
# Runs every test of commerce_fdw: the engine's unit tests (CTest), the
# simulator's own tests, then the pg_regress suite against a throwaway cluster
# and the bundled simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

bash scripts/install-deps.sh

echo "== unit tests (CTest)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
(cd build && ctest --output-on-failure -j2)

echo "== simulator tests"
python3 -m unittest discover -s test/simulator -p 'test_*.py'

build_and_install
new_workdir
start_simulator
# Preloaded, the library keeps each server's request budget in shared memory
# for all sessions (gcommerce_ratelimit tests two sessions sharing one).
PG_EXTRA_OPTS="-c shared_preload_libraries=commerce_fdw" start_cluster

echo "== regression tests (pg_regress)"
rm -rf results regression.diffs regression.out
if ! make -s installcheck; then
  [ -f regression.diffs ] && head -c 20000 regression.diffs
  exit 1
fi
echo "all tests passed"
