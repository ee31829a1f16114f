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
