-- ALTER EXTENSION commerce_fdw UPDATE from the released 1.0 keeps servers, user mappings and tables.
-- Done in a database of its own: install 1.0, use it, update, use it again.
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
\set regress_db :DBNAME
\! $SIMCTL reset
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
DROP DATABASE cfdw_upgrade;
