#!/usr/bin/env bash
# Many accounts at once: a UNION ALL over N Glance servers (one account each)
# against the bundled simulator with LATENCY_MS of latency on every request,
# for N = 1, 4 and 20, with async_capable true (the default) and false.
# Each account's query is one request (inventory of one warehouse), so one
# account takes about one latency; read one after another, N take N of them.
# Prints the median of RUNS runs (ms, from psql's \timing) and the ratio to
# one account; results go in bench/README.md. Nothing here is a test.
# Run from the repository root: bash bench/accounts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
RUNS=${RUNS:-5}
LATENCY_MS=${LATENCY_MS:-400}
ACCOUNTS=${ACCOUNTS:-"1 4 20"}

# The extension installs into the one system PostgreSQL: one install at a time.
exec 9>/tmp/cfdw-install.lock
flock 9
build_and_install
new_workdir
start_simulator
# preloaded: the server holds this build even if another one is installed later
PG_EXTRA_OPTS="-c shared_preload_libraries=commerce_fdw" start_cluster
flock -u 9

psql_q() { as_postgres env PGHOST="$PGHOST" PGPORT="$PGPORT" "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -U postgres -d postgres "$@"; }
psql_q -c "CREATE EXTENSION commerce_fdw"
max_n=0
for n in $ACCOUNTS; do [ "$n" -gt "$max_n" ] && max_n=$n; done
for i in $(seq 1 "$max_n"); do
  psql_q <<SQL
CREATE SERVER shop$i FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url '$SIM_URL/glance', rate_limit_per_minute '0', max_concurrency '1');
CREATE USER MAPPING FOR postgres SERVER shop$i OPTIONS (api_key 'glance-test-key');
CREATE FOREIGN TABLE shop${i}_inventory (id bigint, warehouse_id bigint, quantity numeric)
  SERVER shop$i OPTIONS (resource 'inventory');
SQL
done
# every API request waits LATENCY_MS in the simulator
$SIMCTL fault --api glance --method GET --path-prefix /inventory --latency-ms "$LATENCY_MS" --count 1000000

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# One statement's time in ms: the union of the first n accounts.
run_once() {
  local n=$1 async=$2 q="" i
  for i in $(seq 1 "$n"); do
    q+="${q:+ UNION ALL }SELECT $i AS shop, id, warehouse_id, quantity FROM shop${i}_inventory"
  done
  # The condition outside the union (as on a view or a partitioned table): PostgreSQL pushes it into each
  # scan and the Append's children are the foreign scans themselves. (Written inside each branch next to
  # the constant column, PostgreSQL 15 keeps a Subquery Scan over each scan, which it does not run async.)
  psql_q <<SQL | grep -o 'Time: [0-9.]*' | grep -o '[0-9.]*$'
SET enable_async_append = $async;
\\timing on
SELECT count(*), count(DISTINCT shop) FROM ($q) s WHERE warehouse_id = 2;
SQL
}

printf '%-9s %-6s %10s %8s\n' accounts async median_ms ratio
for async in on off; do
  base=""
  for n in $ACCOUNTS; do
    run_once "$n" "$async" >/dev/null  # warm: connections, catalog caches
    ms=$(for r in $(seq 1 "$RUNS"); do run_once "$n" "$async"; done | median)
    [ -z "$base" ] && base=$ms
    printf '%-9s %-6s %10.0f %8.2f\n' "$n" "$async" "$ms" "$(echo "$ms / $base" | bc -l)"
  done
done
