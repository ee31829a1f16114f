#!/usr/bin/env bash
# commerce_fdw benchmarks: engine micro-benchmarks (Google Benchmark) and
# end-to-end scans through the bundled simulator, with the backend's peak
# memory. Results are written down in bench/README.md; nothing here is a test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

echo "== engine micro-benchmarks"
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j"$(nproc)" --target bench_engine >/dev/null
./build-bench/bench_engine --benchmark_min_time=0.5

build_and_install
new_workdir
start_simulator
start_cluster

psql_q() { as_postgres env PGHOST="$PGHOST" PGPORT="$PGPORT" "$PGBIN/psql" -X -q -At -U postgres -d postgres "$@"; }
psql_q <<SQL
CREATE EXTENSION commerce_fdw;
CREATE SERVER glance FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url '$SIM_URL/glance', rate_limit_per_minute '0');
CREATE USER MAPPING FOR postgres SERVER glance OPTIONS (api_key 'glance-test-key');
IMPORT FOREIGN SCHEMA glance FROM SERVER glance INTO public;
SQL

echo "== end to end: one backend, 50 full scans of glance_inventory (250 rows, 3 requests each)"
psql_q <<'SQL'
\timing on
SELECT pg_backend_pid() AS pid \gset
DO $$ BEGIN FOR i IN 1..50 LOOP PERFORM count(id) FROM glance_inventory; END LOOP; END $$;
SELECT requests, rows_returned, round(bytes_received / 1024.0) AS kib FROM commerce_fdw_stats();
\setenv BACKEND_PID :pid
\! grep VmHWM /proc/$BACKEND_PID/status
SQL
