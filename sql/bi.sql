-- BI-grade reads: the engine plan computed once per relation and path shape, the request
-- estimate, and max_requests (at plan time and at run time).
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
-- the tests' gcommerce server has no budget (setup): here it has the default (100)
ALTER SERVER gcommerce OPTIONS (DROP max_requests);
-- Plan once: one engine plan per relation and path shape (plain, sorted, parameterized,
-- count(*)), whatever number of times the planner asks (DEBUG1 names each one computed)
SET client_min_messages = debug1;
EXPLAIN (COSTS OFF) SELECT id, name FROM glance_products WHERE vendor_id = 3 LIMIT 5;
EXPLAIN (COSTS OFF) SELECT name FROM glance_products WHERE vendor_id = 3 ORDER BY name;
EXPLAIN (COSTS OFF) SELECT count(*) FROM glance_products WHERE vendor_id = 3;
EXPLAIN (COSTS OFF) SELECT w.id, p.name FROM glance_inventory w JOIN glance_products p ON p.sku = w.product_sku
WHERE w.warehouse_id = 1;
RESET client_min_messages;
-- EXPLAIN shows the estimate with the costs, and never fails on it
EXPLAIN (VERBOSE, COSTS ON) SELECT * FROM gcommerce_products;
\! $SIMCTL log --clear
-- SELECT * reads the detail columns per row: about 1,000 per-row requests over the
-- default budget (100 for G-Commerce); it fails before sending anything (54000)
SELECT * FROM gcommerce_products;
\set VERBOSITY sqlstate
SELECT * FROM gcommerce_products;
\set VERBOSITY default
\! $SIMCTL log-count
-- the list columns only: 10 pages estimated, runs
SELECT count(product_id) FROM (SELECT product_id, product, price FROM gcommerce_products) s;
\! $SIMCTL log --clear
-- a condition that pushes: one lookup
SELECT product_id, full_description IS NOT NULL AS described FROM gcommerce_products WHERE product_id = 217005;
\! $SIMCTL log --clear
-- raising max_requests on the table lets the statement run
ALTER FOREIGN TABLE gcommerce_products OPTIONS (ADD max_requests '2000');
SELECT count(full_description) FROM (SELECT * FROM gcommerce_products) s;
\! $SIMCTL log-count
\! $SIMCTL log-clear
-- lower than the estimate: the hint's ALTER now SETs the table's option
ALTER FOREIGN TABLE gcommerce_products OPTIONS (SET max_requests '5');
SELECT * FROM gcommerce_products;
ALTER FOREIGN TABLE gcommerce_products OPTIONS (DROP max_requests);
-- At run time: estimated one page (warehouse_id = 1 is thought selective), 10 pages of 10
-- come; the statement stops before a fourth request, having sent 3
ALTER FOREIGN TABLE glance_inventory OPTIONS (ADD page_size '10', ADD max_requests '3');
EXPLAIN (COSTS ON) SELECT id FROM glance_inventory WHERE warehouse_id = 1;
SELECT count(id) FROM glance_inventory WHERE warehouse_id = 1;
\set VERBOSITY sqlstate
SELECT count(id) FROM glance_inventory WHERE warehouse_id = 1;
\set VERBOSITY default
\! $SIMCTL log --clear
-- the budget is the statement's, over its scans of the server: two scans of two pages each
-- (each estimated at one) stop at the fourth request
ALTER FOREIGN TABLE glance_inventory OPTIONS (SET page_size '50');
SELECT count(a.id) FROM glance_inventory a, glance_inventory b WHERE a.warehouse_id = 1 AND b.warehouse_id = 1
  AND a.id = b.id + 1000;
\! $SIMCTL log --clear
ALTER FOREIGN TABLE glance_inventory OPTIONS (DROP page_size, DROP max_requests);
-- an invalid value is refused
ALTER SERVER glance OPTIONS (ADD max_requests '0');
-- Relative dates: stable expressions push like parameters, evaluated at execution. A date
-- column against a timestamptz bound sends the bound's day (a wider range); PostgreSQL's
-- filter keeps the exact bound.
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glance_documents WHERE date >= now() - interval '30 days';
SELECT count(id) >= 0 AS ran FROM glance_documents WHERE date >= now() - interval '30 days';
\! $SIMCTL log --clear | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g'
SELECT count(id) >= 0 AS ran FROM glance_documents WHERE date BETWEEN current_date - 7 AND now();
\! $SIMCTL log --clear | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g'
-- the widened bound returns what PostgreSQL's own comparison returns
SELECT count(id) FROM glance_documents WHERE date >= '2026-01-15 12:00+00'::timestamptz;
SELECT count(id) FROM (SELECT * FROM glance_documents OFFSET 0) d WHERE date >= '2026-01-15 12:00+00'::timestamptz;
\! $SIMCTL log-clear
-- a timestamptz column against a date: converted at execution too
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glance_inventory_movements WHERE created_at >= current_date - 7;
-- The dashboard recipe: a materialized view refreshed on a schedule (pg_cron's
-- cron.schedule('...', 'REFRESH MATERIALIZED VIEW CONCURRENTLY bi_stock')); tiles read it
-- with no request, and a refresh that fails keeps the last good rows
CREATE MATERIALIZED VIEW bi_stock AS
  SELECT id, product_id, warehouse_id, quantity FROM glance_inventory WHERE warehouse_id = 2;
CREATE UNIQUE INDEX ON bi_stock (id);
\! $SIMCTL log-clear
REFRESH MATERIALIZED VIEW CONCURRENTLY bi_stock;
\! $SIMCTL log --clear
SELECT count(*), sum(quantity) > 0 AS stocked FROM bi_stock;
\! $SIMCTL log-count
\! $SIMCTL fault --api glance --status 503 --count 10
\set VERBOSITY sqlstate
REFRESH MATERIALIZED VIEW CONCURRENTLY bi_stock;
\set VERBOSITY default
\! $SIMCTL fault-clear
SELECT count(*), sum(quantity) > 0 AS stocked FROM bi_stock;
DROP MATERIALIZED VIEW bi_stock;
-- Catalog: keys the API always fills are NOT NULL (what BI tools read keys from); filter-only
-- columns say so in their comment
SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relkind = 'f' AND a.attnum > 0 AND a.attnotnull ORDER BY 1, 2;
SELECT col_description('glance_products'::regclass, attnum) FROM pg_attribute
WHERE attrelid = 'glance_products'::regclass AND attname = 'search';
-- Remote size without ANALYZE: a table never ANALYZEd learns its size at plan time from one
-- request of one row (the API's total) and remembers it for 10 minutes. Copies of the tables
-- (un-ANALYZEd with remote_estimate on; ANALYZEd) keep the shared ones as they are.
CREATE SCHEMA bi_learned;
CREATE SCHEMA bi_analyzed;
IMPORT FOREIGN SCHEMA glance LIMIT TO (glance_products) FROM SERVER glance INTO bi_learned;
IMPORT FOREIGN SCHEMA gcommerce LIMIT TO (gcommerce_products) FROM SERVER gcommerce INTO bi_learned;
IMPORT FOREIGN SCHEMA glance LIMIT TO (glance_products) FROM SERVER glance INTO bi_analyzed;
IMPORT FOREIGN SCHEMA gcommerce LIMIT TO (gcommerce_products) FROM SERVER gcommerce INTO bi_analyzed;
ALTER FOREIGN TABLE bi_learned.glance_products OPTIONS (ADD remote_estimate 'true');
ALTER FOREIGN TABLE bi_learned.gcommerce_products OPTIONS (ADD remote_estimate 'true');
\! $SIMCTL log-clear
-- the declared size (1,000 products) makes five keys look cheaper to look up one by one
EXPLAIN (COSTS OFF) SELECT c.product FROM (VALUES (217001), (217002), (217003), (217004), (217005)) v(id) JOIN gcommerce_products c ON c.product_id = v.id;
\! $SIMCTL log-count
-- learned (57 products, one page): one request, then the plan an ANALYZEd table gets
EXPLAIN (COSTS OFF) SELECT c.product FROM (VALUES (217001), (217002), (217003), (217004), (217005)) v(id) JOIN bi_learned.gcommerce_products c ON c.product_id = v.id;
\! $SIMCTL log --clear
EXPLAIN (COSTS OFF) SELECT g.sku, c.product_id
FROM bi_learned.glance_products g JOIN bi_learned.gcommerce_products c ON c.product_code = g.sku;
\! $SIMCTL log --clear
EXPLAIN SELECT product_id FROM bi_learned.gcommerce_products;
SELECT relname, reltuples FROM pg_class WHERE relnamespace = 'bi_learned'::regnamespace ORDER BY 1;
-- planned again within 10 minutes: no request
EXPLAIN (COSTS OFF) SELECT g.sku, c.product_id
FROM bi_learned.glance_products g JOIN bi_learned.gcommerce_products c ON c.product_code = g.sku;
\! $SIMCTL log-count
ANALYZE bi_analyzed.glance_products;
ANALYZE bi_analyzed.gcommerce_products;
\! $SIMCTL log-clear
EXPLAIN (COSTS OFF) SELECT c.product FROM (VALUES (217001), (217002), (217003), (217004), (217005)) v(id) JOIN bi_analyzed.gcommerce_products c ON c.product_id = v.id;
EXPLAIN (COSTS OFF) SELECT g.sku, c.product_id
FROM bi_analyzed.glance_products g JOIN bi_analyzed.gcommerce_products c ON c.product_code = g.sku;
EXPLAIN SELECT product_id FROM bi_analyzed.gcommerce_products;
-- ANALYZE statistics win: no request, even with remote_estimate on
ALTER FOREIGN TABLE bi_analyzed.glance_products OPTIONS (ADD remote_estimate 'true');
EXPLAIN (COSTS OFF) SELECT * FROM bi_analyzed.glance_products;
\! $SIMCTL log-count
DROP SCHEMA bi_analyzed CASCADE;
DROP SCHEMA bi_learned CASCADE;
ALTER SERVER gcommerce OPTIONS (ADD max_requests '100000');
