#!/usr/bin/env bash
# Runs every test of commerce_fdw: the engine's unit tests (CTest), the same
# under AddressSanitizer + UndefinedBehaviorSanitizer, the fuzz targets for a
# bounded time, the simulator's own tests, then the pg_regress suite and the
# documentation's SQL examples against a throwaway cluster and the bundled simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

bash scripts/install-deps.sh

echo "== one wire (every request built in src/engine/wire/)"
bash scripts/check_one_wire.sh

echo "== sizes (no file in src/ over 500 lines, no function over 80)"
python3 scripts/check_sizes.py

echo "== unit tests (CTest)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
(cd build && ctest --output-on-failure -j2)

# The engine's unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer
# (any report fails), then each fuzz target for a bounded time (test/fuzz/run.sh).
echo "== unit tests under ASan + UBSan"
# -O1 -g1: a third of the build time of -O2 -g; the sanitizers find the same faults.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCFDW_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j2)

echo "== fuzzing (libFuzzer, ASan + UBSan)"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" bash test/fuzz/run.sh

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

# Every ```sql block of README.md and docs/*.md, page by page against the
# same cluster and simulator (test/docs/run_docs.py says how blocks are marked).
echo "== documentation examples"
python3 test/docs/run_docs.py
echo "all tests passed"
