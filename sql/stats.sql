-- commerce_fdw_stats(): per-server counters, and their reset.
SELECT commerce_fdw_stats_reset();
SELECT count(*) FROM commerce_fdw_stats();
SELECT id FROM glance_inventory WHERE id = 1;
SELECT count(*) FROM (SELECT id FROM glance_inventory WHERE warehouse_id = 1) s;
SELECT server, requests, errors, retries, http_429, rows_returned, bytes_received > 0 AS got_bytes
FROM commerce_fdw_stats();
SELECT commerce_fdw_stats_reset();
SELECT count(*) FROM commerce_fdw_stats();
-- Preloaded (as in these tests), the statistics are kept in shared memory: a session sees the requests
-- another one made, as a monitoring session sees what a pg_cron job did.
SELECT current_setting('shared_preload_libraries') LIKE '%commerce_fdw%' AS stats_shared;
\setenv PGDATABASE :DBNAME
\! "$(pg_config --bindir)/psql" -X -q -A -t -c "SELECT 'other session read ' || count(*) || ' rows' FROM glance_inventory WHERE warehouse_id = 1"
-- this session made no request itself
SELECT server, requests, errors, retries, http_429, rows_returned, bytes_received > 0 AS got_bytes, last_error,
       database = current_database() AS this_database
FROM commerce_fdw_stats();
-- a failing request: its error and retries are counted, and the last error says what failed and when
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/3 --status 503 --count 3
\! "$(pg_config --bindir)/psql" -X -q -A -t -c "SELECT id FROM glance_inventory WHERE id = 3" 2>&1 | sed 's/^psql:[^E]*ERROR/ERROR/'
SELECT server, requests, errors, retries, last_error, last_error_at IS NOT NULL AS has_time
FROM commerce_fdw_stats();
-- Who may read and reset them: like pg_stat_statements, members of pg_read_all_stats read; a reset is
-- for superusers unless granted.
CREATE ROLE cfdw_monitor;
GRANT pg_read_all_stats TO cfdw_monitor;
CREATE ROLE cfdw_someone;
SET ROLE cfdw_monitor;
SELECT server, requests FROM commerce_fdw_stats();
SELECT commerce_fdw_stats_reset();
\echo :LAST_ERROR_SQLSTATE
SET ROLE cfdw_someone;
SELECT server, requests FROM commerce_fdw_stats();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT p.proname, r.rolname AS grantee, a.privilege_type
FROM pg_proc p, aclexplode(p.proacl) a JOIN pg_roles r ON r.oid = a.grantee
WHERE p.proname LIKE 'commerce_fdw_stats%' AND r.rolname <> 'postgres' ORDER BY 1, 2;
DROP ROLE cfdw_monitor, cfdw_someone;
SELECT commerce_fdw_stats_reset();
SELECT count(*) FROM commerce_fdw_stats();
-- The counters reach shared memory after every request, not when the statement ends: another session
-- scans 10 pages, each answered after 600 ms; this one watches commerce_fdw_stats() climb and
-- commerce_fdw_activity() name the server, table, path and state of the request under way.
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
CREATE SERVER stats_slow FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_concurrency '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER stats_slow OPTIONS (api_key 'glance-test-key');
CREATE FOREIGN TABLE slow_inventory (id bigint) SERVER stats_slow OPTIONS (resource 'inventory', page_size '25');
CREATE FUNCTION watch_scan() RETURNS TABLE (what text, seen text) LANGUAGE plpgsql AS $$
DECLARE
  a record;
  first bigint;
  later bigint;
BEGIN
  -- until the other session's scan shows (at most 20 s)
  FOR i IN 1..400 LOOP
    SELECT * INTO a FROM commerce_fdw_activity() WHERE server = 'stats_slow' AND statement_requests > 0 LIMIT 1;
    EXIT WHEN FOUND;
    PERFORM pg_sleep(0.05);
  END LOOP;
  IF a IS NULL THEN
    RETURN QUERY SELECT 'activity', 'nothing seen';
    RETURN;
  END IF;
  RETURN QUERY SELECT 'activity', format('pid of another backend: %s, database: %s, server: %s, table: %s, %s %s, state: %s, since: %s',
    a.pid <> pg_backend_pid(), a.database = current_database(), a.server, a."table", a.method,
    regexp_replace(a.path, 'page=[0-9]+', 'page=N'), a.state, a.since <= clock_timestamp());
  SELECT requests INTO first FROM commerce_fdw_stats() WHERE server = 'stats_slow';
  PERFORM pg_sleep(1.5);
  SELECT requests INTO later FROM commerce_fdw_stats() WHERE server = 'stats_slow';
  RETURN QUERY SELECT 'requests', format('counted while running: %s, climbing: %s, still running: %s',
    first > 0, later > first, EXISTS (SELECT FROM commerce_fdw_activity() WHERE server = 'stats_slow'));
END $$;
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory --latency-ms 600 --count 10
\! rm -f /tmp/cfdw_scan_$PGPORT.out; ("$(pg_config --bindir)/psql" -X -q -A -t -c "SELECT 'other session read ' || count(*) || ' rows' FROM slow_inventory" > /tmp/cfdw_scan_$PGPORT.tmp 2>&1; mv /tmp/cfdw_scan_$PGPORT.tmp /tmp/cfdw_scan_$PGPORT.out) &
SELECT * FROM watch_scan();
\! while [ ! -f /tmp/cfdw_scan_$PGPORT.out ]; do sleep 0.1; done; cat /tmp/cfdw_scan_$PGPORT.out; rm -f /tmp/cfdw_scan_$PGPORT.out
-- once it is over: nothing under way, every page counted
SELECT count(*) AS under_way FROM commerce_fdw_activity();
SELECT server, requests, errors, rows_returned FROM commerce_fdw_stats() WHERE server = 'stats_slow';
DROP FUNCTION watch_scan();
-- The table never stops counting: with more servers used than it has entries (commerce_fdw.stats_max),
-- the least recently used are evicted and counted, and a server used now is counted.
SELECT dealloc AS dealloc_before, stats_max FROM commerce_fdw_stats_info() \gset
SELECT set_config('cfdw_test.glance_url', :'glance_url', false) IS NOT NULL AS url_set;
DO $$
DECLARE
  n int := current_setting('commerce_fdw.stats_max')::int + 44;
BEGIN
  FOR i IN 1..n LOOP
    EXECUTE format('CREATE SERVER stats_s%s FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api %L, base_url %L, rate_limit_per_minute %L)',
                   i, 'glance', current_setting('cfdw_test.glance_url'), '0');
    EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER stats_s%s OPTIONS (api_key %L)', i, 'glance-test-key');
    EXECUTE format('CREATE FOREIGN TABLE stats_t%s (id bigint) SERVER stats_s%s OPTIONS (resource %L)', i, i, 'inventory');
    EXECUTE format('SELECT id FROM stats_t%s WHERE id = 1', i);
  END LOOP;
END $$;
SELECT id FROM glance_inventory WHERE id = 1;
SELECT servers = :stats_max AS table_full, dealloc - :dealloc_before >= 44 AS evictions_counted,
       stats_reset <= now() AS has_reset_time
FROM commerce_fdw_stats_info();
SELECT server, requests, rows_returned FROM commerce_fdw_stats()
WHERE server IN ('glance', 'stats_s' || (:stats_max + 44)) ORDER BY server;
-- dropped servers' entries are freed when the statistics are next read
SET client_min_messages = warning;
DO $$
BEGIN
  FOR i IN 1..current_setting('commerce_fdw.stats_max')::int + 44 LOOP
    EXECUTE format('DROP SERVER stats_s%s CASCADE', i);
  END LOOP;
END $$;
RESET client_min_messages;
SELECT count(*) AS entries_of_dropped_servers FROM commerce_fdw_stats() WHERE server LIKE 'stats_s%';
SELECT servers < :stats_max AS room_again FROM commerce_fdw_stats_info();
-- What the counters mean: errors are requests that finally failed, retries the attempts sent again,
-- cancelled the requests cut short by a cancel or statement_timeout; last_error names final failures only.
SELECT commerce_fdw_stats_reset();
-- 503, 503, then 200: two retries, no error, no last error
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/21 --status 503 --count 2
SELECT id FROM slow_inventory WHERE id = 21;
SELECT server, requests, errors, retries, last_error FROM commerce_fdw_stats() WHERE server = 'stats_slow';
-- four failed attempts (max_retries 3): one error, three retries, and the last error says so
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/22 --status 503 --count 4
SELECT id FROM slow_inventory WHERE id = 22;
SELECT server, requests, errors, retries, last_error FROM commerce_fdw_stats() WHERE server = 'stats_slow';
-- a request cut by statement_timeout: cancelled, not an error
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/23 --latency-ms 3000 --count 1
SET statement_timeout = '500ms';
SELECT id FROM slow_inventory WHERE id = 23;
RESET statement_timeout;
SELECT s.server, s.requests, s.errors, s.retries, d.cancelled
FROM commerce_fdw_stats() s JOIN commerce_fdw_stats_detail() d USING (database, server) WHERE server = 'stats_slow';
SET client_min_messages = warning;
DROP SERVER stats_slow CASCADE;
RESET client_min_messages;
SELECT commerce_fdw_stats_reset();
SELECT count(*) FROM commerce_fdw_stats();
