-- Errors: HTTP statuses mapped to SQLSTATEs, faults, retries, undecodable values.
\! $SIMCTL reset
-- 404 on a listed resource is an error (HV00R)... (a point lookup 404 is zero rows)
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory --status 404 --count 1
SELECT count(*) FROM (SELECT id FROM glance_inventory WHERE warehouse_id = 1) s;
\echo :LAST_ERROR_SQLSTATE
-- 400 -> 22023 with the remote message
\! $SIMCTL fault --api glance --method GET --path-prefix /products --status 400 --count 1
SELECT id FROM glance_products WHERE vendor_id = 1 LIMIT 1;
\echo :LAST_ERROR_SQLSTATE
-- 403 -> 42501
\! $SIMCTL fault --api glance --method GET --path-prefix /clients --status 403 --count 1
SELECT id FROM glance_clients LIMIT 1;
\echo :LAST_ERROR_SQLSTATE
-- 409 -> 23505
\! $SIMCTL fault --api glance --method POST --path-prefix /inventory/create --status 409 --count 1
INSERT INTO glance_inventory (product_id, warehouse_id) VALUES (1, 1);
\echo :LAST_ERROR_SQLSTATE
-- 503 twice, then success: retried (max_retries 2 on this server)
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/7 --status 503 --count 2
SELECT id FROM glance_inventory WHERE id = 7;
\! $SIMCTL log --clear
-- 503 more often than retries allow -> HV00N
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/7 --status 503 --count 5
SELECT id FROM glance_inventory WHERE id = 7;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL fault-clear
-- 429 with Retry-After: waits, retries and succeeds
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/8 --status 429 --retry-after 1 --count 1
SELECT id FROM glance_inventory WHERE id = 8;
\! $SIMCTL log --clear
-- a POST is not retried after a 503 (it may have been applied)
\! $SIMCTL fault --api glance --method POST --path-prefix /inventory/create --status 503 --count 1
INSERT INTO glance_inventory (product_id, warehouse_id) VALUES (3, 3);
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- malformed and truncated bodies
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/9 --body malformed --count 1
SELECT id FROM glance_inventory WHERE id = 9;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/9 --body truncated --count 5
SELECT id FROM glance_inventory WHERE id = 9;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL fault-clear
\! $SIMCTL log-clear
-- a remote value that does not fit the declared type: HV004 naming column, table and value
\! $SIMCTL patch glance inventory 12 quantity '"lots"'
SELECT id, quantity FROM glance_inventory WHERE id = 12;
\echo :LAST_ERROR_SQLSTATE
-- ... raised only when the query reads that column
SELECT id, location FROM glance_inventory WHERE id = 12;
\! $SIMCTL patch glance products 3 isActive '"maybe"'
SELECT id, is_active FROM glance_products WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
-- a table declared with another type: the type's own error, naming column and table
CREATE FOREIGN TABLE inv_typed (id bigint, location integer) SERVER glance OPTIONS (resource 'inventory');
SELECT id, location FROM inv_typed WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE prod_typed (id bigint, name integer) SERVER glance OPTIONS (resource 'products');
SELECT id, name FROM prod_typed WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
DROP FOREIGN TABLE inv_typed, prod_typed;
-- a timeout is a network error
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/10 --latency-ms 3000 --count 3
ALTER SERVER glance OPTIONS (ADD timeout_ms '300', SET max_retries '0');
\set VERBOSITY terse
SELECT id FROM glance_inventory WHERE id = 10;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
ALTER SERVER glance OPTIONS (DROP timeout_ms, SET max_retries '2');
\! $SIMCTL fault-clear
-- statement_timeout interrupts a request in flight
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/11 --latency-ms 5000 --count 1
SET statement_timeout = '500ms';
SELECT id FROM glance_inventory WHERE id = 11;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\! $SIMCTL fault-clear
