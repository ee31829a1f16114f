-- Trust on the read path and the transport: only a real success is a success.
-- Each fault of the simulator (simctl read-fault) ends in an error with the
-- request, the status, the remote message and a fitting SQLSTATE; writes that
-- were not applied leave the remote state as it was.
\! $SIMCTL reset
-- A 307 to an INSERT is an error (redirects are never followed); nothing is created
\! $SIMCTL read-fault redirect --api glance --method POST --path-prefix /inventory/create --status 307
INSERT INTO glance_inventory (product_id, warehouse_id) VALUES (5, 3);
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
\! $SIMCTL state glance inventory --id 251
-- A 302 to a DELETE is an error; the record is still there
\! $SIMCTL read-fault redirect --api glance --method DELETE --path-prefix /inventory/5 --status 302
DELETE FROM glance_inventory WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
\! $SIMCTL state glance inventory --id 5
-- Glance's failure envelope in an HTTP 200: an error classified by its error.status
\! $SIMCTL read-fault envelope --api glance --method POST --path-prefix /inventory/create --value 422
INSERT INTO glance_inventory (product_id, warehouse_id) VALUES (5, 3);
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
\! $SIMCTL state glance inventory --id 251
\! $SIMCTL read-fault envelope --api glance --method GET --path-prefix /inventory --value 401
SELECT id FROM glance_inventory WHERE warehouse_id = 2;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
-- ... and in any HTTP status: Glocher's ERR inside an HTTP 500 keeps its message
\! $SIMCTL read-fault envelope --api glocher --method GET --path-prefix /getCategories --status 500
SELECT id FROM glocher_categories;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log-clear
-- An empty 200 body, or `null`, is no answer where rows are expected
\! $SIMCTL read-fault empty --api glance --method GET --path-prefix /inventory
SELECT id FROM glance_inventory WHERE warehouse_id = 2;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL read-fault null --api glance --method GET --path-prefix /inventory/7
SELECT id FROM glance_inventory WHERE id = 7;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
-- List items that are not objects are an error, not rows of NULLs
\! $SIMCTL read-fault scalar-items --api glance --method GET --path-prefix /products
SELECT id, name FROM glance_products WHERE vendor_id = 1;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log-clear
-- A total that is not an exact integer is unknown: count(*) pages through instead of guessing
SELECT count(*) FROM glance_inventory;
\! $SIMCTL log --clear
\! $SIMCTL read-fault total --api glance --method GET --path-prefix /inventory --value 1.5
SELECT count(*) FROM glance_inventory;
\! $SIMCTL log --clear
\! $SIMCTL read-fault total --api glance --method GET --path-prefix /inventory --value 1e3
SELECT count(*) FROM glance_inventory;
\! $SIMCTL log-clear
\! $SIMCTL read-fault total --api glance --method GET --path-prefix /inventory --value true
SELECT count(*) FROM glance_inventory;
\! $SIMCTL log-clear
-- ... a string of digits is a total (APIs that send numbers as strings)
\! $SIMCTL read-fault total --api glance --method GET --path-prefix /inventory --value '"7"'
SELECT count(*) FROM glance_inventory;
\! $SIMCTL log --clear
-- More rows than the reported total: an error, not a silent truncation or a guess
\! $SIMCTL read-fault total --api glance --method GET --path-prefix /inventory --value 1
SELECT count(id) FROM glance_inventory;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
-- hasMore: true with the same page again: an error after the second page
\! $SIMCTL read-fault same-page --api glance --method GET --path-prefix /inventory --count 5
SELECT count(id) FROM glance_inventory;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
\! $SIMCTL fault-clear
-- hasMore: true forever with new rows: an error once the rows pass the total
\! $SIMCTL read-fault endless --api glance --method GET --path-prefix /inventory --count 10
SELECT count(id) FROM glance_inventory;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
\! $SIMCTL fault-clear
-- A response larger than max_response_bytes (after decompression): the transfer stops at the bound
\! $SIMCTL read-fault gzip-bomb --api glance --method GET --path-prefix /inventory --megabytes 20
ALTER SERVER glance OPTIONS (ADD max_response_bytes '1048576');
SELECT id FROM glance_inventory WHERE warehouse_id = 2;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
-- ... a table option overrides the server's
ALTER FOREIGN TABLE glance_products OPTIONS (ADD max_response_bytes '100');
SELECT id FROM glance_products WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE glance_products OPTIONS (DROP max_response_bytes);
ALTER SERVER glance OPTIONS (DROP max_response_bytes);
SELECT id FROM glance_products WHERE id = 1;
\! $SIMCTL log-clear
-- the option is a positive whole number of bytes
ALTER SERVER glance OPTIONS (ADD max_response_bytes '0');
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER glance OPTIONS (ADD max_response_bytes '64MB');
\echo :LAST_ERROR_SQLSTATE
-- A slow drip (a byte every 200 ms) ends at timeout_ms
\! $SIMCTL read-fault drip --api glance --method GET --path-prefix /inventory/9 --interval-ms 200
ALTER SERVER glance OPTIONS (ADD timeout_ms '600', SET max_retries '0');
\set VERBOSITY terse
SELECT id FROM glance_inventory WHERE id = 9;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
ALTER SERVER glance OPTIONS (DROP timeout_ms, SET max_retries '2');
\! $SIMCTL fault-clear
\! $SIMCTL log-clear
-- Key values are one percent-encoded path segment, dots included; an empty key sends nothing
SELECT id FROM glance_products WHERE sku = '..';
SELECT id FROM glance_products WHERE sku = '.';
SELECT id FROM glance_products WHERE sku = '';
SELECT product_number FROM extend_products WHERE product_number = '..';
\! $SIMCTL log --clear --status
