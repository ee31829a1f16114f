-- Asynchronous scans: a UNION ALL over several accounts (servers) keeps every
-- scan's requests in flight at once (PostgreSQL's async Append).
\! $SIMCTL reset
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
-- four accounts of the same API; one request at a time within each scan
CREATE SERVER shop1 FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '0', max_concurrency '1');
CREATE SERVER shop2 FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '0', max_concurrency '1');
CREATE SERVER shop3 FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '0', max_concurrency '1');
CREATE SERVER shop4 FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '0', max_concurrency '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER shop1 OPTIONS (api_key 'glance-test-key');
CREATE USER MAPPING FOR CURRENT_USER SERVER shop2 OPTIONS (api_key 'glance-test-key');
CREATE USER MAPPING FOR CURRENT_USER SERVER shop3 OPTIONS (api_key 'glance-test-key');
CREATE USER MAPPING FOR CURRENT_USER SERVER shop4 OPTIONS (api_key 'glance-test-key');
CREATE FOREIGN TABLE shop1_inventory (id bigint, warehouse_id bigint, quantity numeric)
  SERVER shop1 OPTIONS (resource 'inventory');
CREATE FOREIGN TABLE shop2_inventory (id bigint, warehouse_id bigint, quantity numeric)
  SERVER shop2 OPTIONS (resource 'inventory');
CREATE FOREIGN TABLE shop3_inventory (id bigint, warehouse_id bigint, quantity numeric)
  SERVER shop3 OPTIONS (resource 'inventory');
CREATE FOREIGN TABLE shop4_inventory (id bigint, warehouse_id bigint, quantity numeric)
  SERVER shop4 OPTIONS (resource 'inventory');
CREATE VIEW all_shops AS
  SELECT 1 AS shop, * FROM shop1_inventory UNION ALL SELECT 2, * FROM shop2_inventory
  UNION ALL SELECT 3, * FROM shop3_inventory UNION ALL SELECT 4, * FROM shop4_inventory;
-- async_capable is a boolean, on a server or a table
ALTER SERVER shop1 OPTIONS (ADD async_capable 'maybe');
\echo :LAST_ERROR_SQLSTATE
-- the plan: an Append of four async foreign scans
EXPLAIN (COSTS OFF) SELECT * FROM all_shops;
-- one account alone, for reference
SELECT count(id) AS rows, sum(quantity) AS quantity FROM shop1_inventory;
\! $SIMCTL log --clear
-- all four: exactly four times the rows; the four first pages were in flight together
-- (each is held 300 ms by the simulator; the most it served at once is 4)
\! $SIMCTL max-in-flight --clear > /dev/null
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory --latency-ms 300 --count 4
SELECT shop, count(id) AS rows, sum(quantity) AS quantity FROM all_shops GROUP BY shop ORDER BY shop;
\! $SIMCTL max-in-flight --clear
\! $SIMCTL log --clear --sort
-- a condition goes into every scan's request; PostgreSQL rechecks it
SELECT count(*) AS rows, count(DISTINCT shop) AS shops FROM all_shops WHERE warehouse_id = 2 AND quantity > 0;
\! $SIMCTL log --clear --sort
-- LIMIT over the union: each scan asks its first page only, and the statement stops after 3 rows
SELECT count(*) FROM (SELECT * FROM all_shops LIMIT 3) s;
\! $SIMCTL log --clear --sort
-- an error in one branch fails the statement with its SQLSTATE (403 -> 42501)
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory --status 403 --count 1
SELECT count(*) FROM all_shops;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL fault-clear
-- an unavailable server in one branch: HV00N (max_retries 0 on these servers)
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory --status 503 --count 1
SELECT count(*) FROM all_shops;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL fault-clear
-- the next statement is unaffected
SELECT count(id) AS rows, count(DISTINCT shop) AS shops FROM all_shops;
\! $SIMCTL log-clear
-- async_capable 'false' on a table or a server: that scan runs in the ordinary (synchronous) way
ALTER FOREIGN TABLE shop2_inventory OPTIONS (ADD async_capable 'false');
ALTER SERVER shop3 OPTIONS (ADD async_capable 'false');
EXPLAIN (COSTS OFF) SELECT * FROM all_shops;
-- a table's true wins over its server's false
ALTER FOREIGN TABLE shop3_inventory OPTIONS (ADD async_capable 'true');
EXPLAIN (COSTS OFF) SELECT * FROM all_shops;
-- everything synchronous: the same rows, one request at a time
ALTER FOREIGN TABLE shop1_inventory OPTIONS (ADD async_capable 'false');
ALTER FOREIGN TABLE shop3_inventory OPTIONS (SET async_capable 'false');
ALTER FOREIGN TABLE shop4_inventory OPTIONS (ADD async_capable 'false');
EXPLAIN (COSTS OFF) SELECT * FROM all_shops;
\! $SIMCTL max-in-flight --clear > /dev/null
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory --latency-ms 100 --count 4
SELECT shop, count(id) AS rows, sum(quantity) AS quantity FROM all_shops GROUP BY shop ORDER BY shop;
\! $SIMCTL max-in-flight --clear
\! $SIMCTL log-clear
-- outside an Append nothing changes: a single table is never async
ALTER FOREIGN TABLE shop1_inventory OPTIONS (SET async_capable 'true');
EXPLAIN (COSTS OFF) SELECT * FROM shop1_inventory;
-- statement_timeout (and cancel) still stop a statement waiting on async scans: 57014
ALTER FOREIGN TABLE shop1_inventory OPTIONS (DROP async_capable);
ALTER FOREIGN TABLE shop2_inventory OPTIONS (DROP async_capable);
ALTER FOREIGN TABLE shop3_inventory OPTIONS (DROP async_capable);
ALTER FOREIGN TABLE shop4_inventory OPTIONS (DROP async_capable);
ALTER SERVER shop3 OPTIONS (DROP async_capable);
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory --latency-ms 3000 --count 4
SET statement_timeout = '300ms';
SELECT count(*) FROM all_shops;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\! $SIMCTL fault-clear
-- and the next statement is unaffected
SELECT count(id) AS rows, count(DISTINCT shop) AS shops FROM all_shops;
\! $SIMCTL log-clear
DROP VIEW all_shops;
SET client_min_messages = warning;
DROP SERVER shop1, shop2, shop3, shop4 CASCADE;
RESET client_min_messages;
