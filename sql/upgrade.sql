-- ALTER EXTENSION commerce_fdw UPDATE from the released 1.0 keeps servers, user mappings and tables.
-- Done in a database of its own: install 1.0, use it, update, use it again.
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
\set regress_db :DBNAME
\! $SIMCTL reset
-- (a request in this database: its server's statistics are another database's for cfdw_upgrade)
SELECT id FROM glance_inventory WHERE id = 1;
CREATE DATABASE cfdw_upgrade;
\c cfdw_upgrade
CREATE EXTENSION commerce_fdw VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'commerce_fdw';
CREATE SERVER up_glance FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_concurrency '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER up_glance OPTIONS (api_key 'glance-test-key');
CREATE FOREIGN TABLE up_inventory (id bigint, quantity numeric) SERVER up_glance OPTIONS (resource 'inventory');
SELECT id FROM up_inventory WHERE id = 2;
-- 1.0's commerce_fdw_stats() (eight columns) keeps working with the new library until the update
SELECT server, requests, rows_returned FROM commerce_fdw_stats() WHERE server = 'up_glance';
-- 1.0's functions are executable by PUBLIC, but the library checks privileges itself: a plain role reads
-- this database's servers only (not the regression database's "glance"), and cannot reset the cluster's
-- statistics
CREATE ROLE cfdw_plain;
SET ROLE cfdw_plain;
SELECT has_function_privilege('commerce_fdw_stats_reset()', 'EXECUTE') AS may_execute_reset;
SELECT server FROM commerce_fdw_stats() ORDER BY server;
SELECT commerce_fdw_stats_reset();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) > 1 AS superuser_sees_other_databases FROM commerce_fdw_stats();
DROP ROLE cfdw_plain;
SELECT 'up_inventory'::regclass::oid AS table_oid, (SELECT oid FROM pg_foreign_server) AS server_oid,
       (SELECT umid FROM pg_user_mappings) AS mapping_oid \gset
ALTER EXTENSION commerce_fdw UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'commerce_fdw';
-- the servers, mappings and tables are the same objects
SELECT oid = :server_oid AS same_server, srvname, regexp_replace(srvoptions::text, ':[0-9]+/', ':PORT/')
FROM pg_foreign_server;
SELECT umid = :mapping_oid AS same_mapping, srvname, umoptions FROM pg_user_mappings;
SELECT ftrelid = :table_oid AS same_table, ftrelid::regclass, ftoptions FROM pg_foreign_table;
SELECT id FROM up_inventory WHERE id = 2;
SELECT server, requests, rows_returned, last_error, database FROM commerce_fdw_stats() WHERE server = 'up_glance';
-- the update path, and 1.1's privileges
SELECT source, target, path FROM pg_extension_update_paths('commerce_fdw') WHERE path IS NOT NULL ORDER BY 1, 2;
SELECT has_function_privilege('pg_read_all_stats', 'commerce_fdw_stats()', 'EXECUTE') AS monitor_reads,
       has_function_privilege('public', 'commerce_fdw_stats_reset()', 'EXECUTE') AS anyone_resets;
\! $SIMCTL log --clear
\c :regress_db
SELECT count(*) AS up_glance_entries FROM commerce_fdw_stats() WHERE server = 'up_glance';
DROP DATABASE cfdw_upgrade;
-- the entries of a dropped database are freed when the statistics are next read
SELECT count(*) AS up_glance_entries FROM commerce_fdw_stats() WHERE server = 'up_glance';
-- From 1.1 on, an update keeps what users attached: a GRANT, a COMMENT and a view over commerce_fdw_stats()
CREATE DATABASE cfdw_upgrade11;
\c cfdw_upgrade11
CREATE EXTENSION commerce_fdw VERSION '1.1';
CREATE ROLE cfdw_monitoring;
GRANT EXECUTE ON FUNCTION commerce_fdw_stats() TO cfdw_monitoring;
COMMENT ON FUNCTION commerce_fdw_stats() IS 'what the nightly jobs sent';
CREATE VIEW job_requests AS SELECT server, requests, errors FROM commerce_fdw_stats();
ALTER EXTENSION commerce_fdw UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'commerce_fdw';
SELECT has_function_privilege('cfdw_monitoring', 'commerce_fdw_stats()', 'EXECUTE') AS grant_kept,
       obj_description('commerce_fdw_stats()'::regprocedure, 'pg_proc') AS comment_kept,
       count(*) >= 0 AS view_reads
FROM job_requests;
-- 1.2's functions, their privileges
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_executes,
       has_function_privilege('pg_read_all_stats', p.oid, 'EXECUTE') AS monitors_execute
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'commerce_fdw'
WHERE p.proname IN ('commerce_fdw_stats_info', 'commerce_fdw_stats_detail', 'commerce_fdw_activity')
ORDER BY 1;
\c :regress_db
DROP DATABASE cfdw_upgrade11;
DROP ROLE cfdw_monitoring;
