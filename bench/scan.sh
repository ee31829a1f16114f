#!/usr/bin/env bash
# End-to-end scan benchmark against a static server: 1,000 pre-rendered Glance
# inventory pages of 100 rows (100,000 rows) served by nginx on loopback, read
#   1. by curl, the raw transfer of the same pages at the same concurrency (the yardstick),
#   2. by commerce_fdw (SELECT count(product_sku), sum(quantity) FROM glance_inventory),
#   3. by the PL/Python set-returning function a user would write instead,
# plus the backend's CPU time (from /proc) and its peak memory for a 1,000-row and
# a 1,000,000-row scan. Prints medians of RUNS runs; results go in bench/README.md.
# Nothing here is a test. Run as root on Debian 12: bash bench/scan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
RUNS=${RUNS:-5}
PAGES=${PAGES:-1000}
BIG_PAGES=${BIG_PAGES:-10000}

export DEBIAN_FRONTEND=noninteractive
for p in nginx-light postgresql-plpython3-15 curl bc; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || { apt-get update -qq; apt-get install -y -qq --no-install-recommends "$p" >/dev/null; }
done
bash scripts/install-deps.sh >/dev/null
# The extension installs into the one system PostgreSQL: one install at a time.
exec 9>/tmp/cfdw-install.lock
flock 9
build_and_install
new_workdir

echo "== rendering pages"
python3 bench/gen_pages.py "$WORK/www/small" "$PAGES" 100
python3 bench/gen_pages.py "$WORK/www/tiny" 10 100
python3 bench/gen_pages.py "$WORK/www/big" "$BIG_PAGES" 100
chmod -R a+rX "$WORK/www"

NGINX_PORT=$((20000 + RANDOM % 20000))
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    default_type application/json;
    location ~ ^/(small|tiny|big)/inventory\$ { try_files /\$1/inventory/\$arg_page.json =404; }
  }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
trap 'nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -s stop 2>/dev/null || true; cleanup' EXIT
BASE="http://127.0.0.1:$NGINX_PORT"
# preloaded: the server holds this build even if another one is installed later
PG_EXTRA_OPTS="-c shared_preload_libraries=commerce_fdw" start_cluster
flock -u 9

psql_q() { as_postgres env PGHOST="$PGHOST" PGPORT="$PGPORT" "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -U postgres -d postgres "$@"; }
psql_q <<SQL
CREATE EXTENSION commerce_fdw;
CREATE EXTENSION plpython3u;
CREATE SERVER small FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url '$BASE/small', rate_limit_per_minute '0', max_concurrency '4', page_size '100');
CREATE SERVER tiny FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url '$BASE/tiny', rate_limit_per_minute '0', max_concurrency '4', page_size '100');
CREATE SERVER big FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url '$BASE/big', rate_limit_per_minute '0', max_concurrency '4', page_size '100');
CREATE USER MAPPING FOR postgres SERVER small OPTIONS (api_key 'k');
CREATE USER MAPPING FOR postgres SERVER tiny OPTIONS (api_key 'k');
CREATE USER MAPPING FOR postgres SERVER big OPTIONS (api_key 'k');
CREATE FOREIGN TABLE inv_small (id bigint, product_sku text, quantity numeric) SERVER small OPTIONS (resource 'inventory');
CREATE FOREIGN TABLE inv_tiny (id bigint, product_sku text, quantity numeric) SERVER tiny OPTIONS (resource 'inventory');
CREATE FOREIGN TABLE inv_big (id bigint, product_sku text, quantity numeric) SERVER big OPTIONS (resource 'inventory', max_requests '20000');
-- The baseline a user would write: page through the list in PL/Python, one row at a time.
CREATE FUNCTION py_inventory(base text) RETURNS TABLE (id bigint, product_sku text, quantity numeric) AS \$\$
import json, urllib.request
page = 1
while True:
    req = urllib.request.Request("%s/inventory?page=%d&limit=100" % (base, page),
                                 headers={"Authorization": "Bearer k"})
    with urllib.request.urlopen(req) as r:
        doc = json.loads(r.read())
    for row in doc["data"]:
        yield (row["id"], row["product"]["sku"], row["quantity"])
    if not doc["pagination"]["hasMore"]:
        break
    page += 1
\$\$ LANGUAGE plpython3u;
SQL

# PROFILE=1: instead of the measurements, a perf profile of the backend over RUNS full scans
# (needs linux-perf); prints the top of `perf report`. PERF_RECORD_OPTS=-g records call graphs too
# (KEEP_WORK=1 keeps $WORK/perf.data for `perf report -g`).
if [ "${PROFILE:-0}" = 1 ]; then
  psql_q <<SQL >/dev/null &
SELECT pg_backend_pid() AS pid \gset
\setenv BPID :pid
\! echo \$BPID > $WORK/bpid
SELECT pg_sleep(1);
$(for _ in $(seq 1 "$RUNS"); do echo "SELECT count(product_sku), sum(quantity) FROM inv_small;"; done)
SQL
  sleep 0.5
  perf record ${PERF_RECORD_OPTS:-} -o "$WORK/perf.data" -p "$(cat "$WORK/bpid")" -- sleep "$((RUNS + 2))" 2>/dev/null || true
  wait
  perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>&1 | grep "%" | head -12
  perf report -i "$WORK/perf.data" --no-children --percent-limit 0.7 --stdio -g none 2>&1 | grep "%" | head -60
  exit 0
fi

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# 1. raw transfer: curl, same URLs, 4 connections (= max_concurrency)
: >"$WORK/urls.cfg"
for i in $(seq 1 "$PAGES"); do printf 'url = "%s/small/inventory?page=%d&limit=100"\noutput = "/dev/null"\n' "$BASE" "$i" >>"$WORK/urls.cfg"; done
BYTES=$(cat "$WORK"/www/small/inventory/*.json | wc -c)
: >"$WORK/curl.ms"
: >"$WORK/curlcpu.ms"
secs_ms() { awk -v t="$1" 'BEGIN { split(t, a, "m"); sub("s", "", a[2]); printf "%d\n", (a[1] * 60 + a[2]) * 1000 }'; }
for _ in $(seq 1 "$RUNS"); do
  # wall time, and curl's own CPU time (user + system of the child, from `times`)
  t0=$(now_ms)
  cpu=$( (curl -s --parallel --parallel-max 4 -K "$WORK/urls.cfg" 2>/dev/null; times) | tail -1)
  t1=$(now_ms)
  echo $((t1 - t0)) >>"$WORK/curl.ms"
  echo $(( $(secs_ms "${cpu%% *}") + $(secs_ms "${cpu##* }") )) >>"$WORK/curlcpu.ms"
done

# The stack's floor: curl's CPU for the transfer (above) + RapidJSON's in-situ SAX
# parse of the same pages with the engine's flags (bench/sax_floor.cpp, built as
# the extension is: -O2, SSE2, the same RapidJSON).
g++ -std=c++17 -O2 -g -I/usr/include/rapidjson bench/sax_floor.cpp -o "$WORK/sax_floor"
SAX_MS=$("$WORK/sax_floor" "$RUNS" "$WORK"/www/small/inventory/*.json)

# 2. the FDW, and 3. PL/Python: wall time from psql, backend CPU from /proc/<pid>/stat
run_sql() {  # $1: label, $2: query; appends "wall_ms cpu_ms" lines to $WORK/$1.ms
  local out
  out=$(psql_q <<SQL
SELECT pg_backend_pid() AS pid \gset
\setenv BPID :pid
\o /dev/null
SELECT count(product_sku) FROM inv_tiny;  -- warm the connection and the extension (a full read: the static pages ignore limit=1)
\o
\! awk '{print \$14 + \$15}' /proc/\$BPID/stat > $WORK/cpu0
\timing on
$2;
\timing off
\! awk '{print \$14 + \$15}' /proc/\$BPID/stat > $WORK/cpu1
SQL
)
  local wall; wall=$(echo "$out" | grep -o 'Time: [0-9.]*' | awk '{print $2}')
  local ticks; ticks=$(( $(cat "$WORK/cpu1") - $(cat "$WORK/cpu0") ))
  local hz; hz=$(getconf CLK_TCK)
  echo "$wall $((ticks * 1000 / hz))" >>"$WORK/$1.ms"
  echo "$out" | grep -v Time | head -1 >"$WORK/$1.result"
}
for _ in $(seq 1 "$RUNS"); do
  run_sql fdw "SELECT count(product_sku), sum(quantity) FROM inv_small"
  run_sql plpython "SELECT count(product_sku), sum(quantity) FROM py_inventory('$BASE/small')"
done

# Memory: peak resident set of a fresh backend after a 1,000-row and a 1,000,000-row scan
hwm() {  # $1: table
  psql_q <<SQL | tail -1
SELECT pg_backend_pid() AS pid \gset
\setenv BPID :pid
\o /dev/null
SELECT count(product_sku), sum(quantity) FROM $1;
\o
\! awk '/VmHWM/ {print \$2}' /proc/\$BPID/status
SQL
}
HWM_TINY=$(hwm inv_tiny)
HWM_BIG=$(hwm inv_big)

CURL_MS=$(median <"$WORK/curl.ms")
CURL_CPU=$(median <"$WORK/curlcpu.ms")
FLOOR_MS=$(echo "$CURL_CPU + $SAX_MS" | bc -l)
FDW_MS=$(awk '{print $1}' "$WORK/fdw.ms" | median)
FDW_CPU=$(awk '{print $2}' "$WORK/fdw.ms" | median)
PY_MS=$(awk '{print $1}' "$WORK/plpython.ms" | median)
ROWS=$((PAGES * 100))
echo
echo "== results (medians of $RUNS runs; $PAGES pages, $ROWS rows, $BYTES bytes)"
echo "load: $LOAD_BEFORE before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after (1, 5, 15 min; 2 idle cores: < 0.3)"
echo "fdw result: $(cat "$WORK/fdw.result")   plpython result: $(cat "$WORK/plpython.result")"
printf 'raw transfer (curl, 4 connections)   %8.0f ms\n' "$CURL_MS"
printf 'commerce_fdw wall                    %8.0f ms   (%.2fx raw)\n' "$FDW_MS" "$(echo "$FDW_MS / $CURL_MS" | bc -l)"
printf 'commerce_fdw backend CPU             %8.0f ms   (%.2f us/row)\n' "$FDW_CPU" "$(echo "$FDW_CPU * 1000 / $ROWS" | bc -l)"
printf 'floor: curl CPU %.0f ms + SAX parse %.1f ms = %8.1f ms   (%.2f us/row)\n' "$CURL_CPU" "$SAX_MS" "$FLOOR_MS" "$(echo "$FLOOR_MS * 1000 / $ROWS" | bc -l)"
printf 'backend CPU vs the floor             %8.2fx  (goal <= 1.25x)\n' "$(echo "$FDW_CPU / $FLOOR_MS" | bc -l)"
printf 'PL/Python wall                       %8.0f ms   (%.1fx the FDW)\n' "$PY_MS" "$(echo "$PY_MS / $FDW_MS" | bc -l)"
printf 'backend peak RSS: 1k-row scan %d kB, %d-row scan %d kB (+%d kB)\n' "$HWM_TINY" "$((BIG_PAGES * 100))" "$HWM_BIG" "$((HWM_BIG - HWM_TINY))"
