-- Planner: ANALYZE learns a table's remote size from the list total, and a path costs the requests it sends,
-- so a join picks the plan with the fewest requests.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
\! $SIMCTL config gcommerce.order_count 43
-- tables of their own, so that their statistics stay with this test
CREATE FOREIGN TABLE planner_orders (order_id bigint, status text, total numeric, subtotal numeric)
  SERVER gcommerce OPTIONS (resource 'orders');
CREATE FOREIGN TABLE planner_stock (id bigint, name text, qty int) SERVER glocher OPTIONS (resource 'stock');
CREATE TEMP TABLE wanted (order_id bigint);
INSERT INTO wanted VALUES (1003), (1007), (1011);
ANALYZE wanted;
-- never analyzed: PostgreSQL knows no size (-1), the planner uses the declaration's guess (1,000 orders)
SELECT reltuples, relpages FROM pg_class WHERE oid = 'planner_orders'::regclass;
-- ANALYZE costs one request: its total_items is the size, its page the sample
ANALYZE VERBOSE planner_orders;
\! $SIMCTL log --clear
SELECT reltuples FROM pg_class WHERE oid = 'planner_orders'::regclass;
SELECT attname, null_frac, n_distinct FROM pg_stats
WHERE tablename = 'planner_orders' AND attname IN ('order_id', 'status', 'subtotal') ORDER BY attname;
-- 3 ids against 43 orders (one page): one list request and a hash join, not 3 lookups
EXPLAIN (COSTS OFF)
SELECT o.order_id, o.status FROM wanted w JOIN planner_orders o ON o.order_id = w.order_id ORDER BY o.order_id;
SELECT o.order_id, o.status FROM wanted w JOIN planner_orders o ON o.order_id = w.order_id ORDER BY o.order_id;
\! $SIMCTL log --clear
-- 3 ids against 10,000 orders (100 pages): 3 lookups
\! $SIMCTL config gcommerce.order_count 10000
ANALYZE VERBOSE planner_orders;
\! $SIMCTL log --clear
SELECT reltuples FROM pg_class WHERE oid = 'planner_orders'::regclass;
EXPLAIN (COSTS OFF)
SELECT o.order_id, o.status FROM wanted w JOIN planner_orders o ON o.order_id = w.order_id ORDER BY o.order_id;
SELECT o.order_id, o.status FROM wanted w JOIN planner_orders o ON o.order_id = w.order_id ORDER BY o.order_id;
\! $SIMCTL log --clear
-- Glocher's `count` is the size of the whole list: ANALYZE learns the size from the first page and stops
ANALYZE VERBOSE planner_stock;
\! $SIMCTL log --clear
SELECT reltuples > 0 AS sized FROM pg_class WHERE oid = 'planner_stock'::regclass;
-- ... with small pages too: one request, the size from `count`
\! $SIMCTL config glocher.page_size 100
ALTER FOREIGN TABLE planner_stock OPTIONS (ADD page_size '100');
ANALYZE VERBOSE planner_stock;
\! $SIMCTL log --clear
SELECT reltuples FROM pg_class WHERE oid = 'planner_stock'::regclass;
ALTER FOREIGN TABLE planner_stock OPTIONS (DROP page_size);
\! $SIMCTL config glocher.page_size 1000
-- a table that can only be read for given keys cannot be sampled: PostgreSQL skips it, no request
ANALYZE gcommerce_order_items;
\! $SIMCTL log --clear
-- the cost of a request: request_cost_ms (default 50) + 60000 / rate_limit_per_minute, one unit a millisecond;
-- a lookup sends one request and returns one row (+ cpu_tuple_cost)
EXPLAIN SELECT order_id FROM planner_orders WHERE order_id = 1003;
ALTER FOREIGN TABLE planner_orders OPTIONS (ADD request_cost_ms '400', ADD async_capable 'false');
EXPLAIN SELECT order_id FROM planner_orders WHERE order_id = 1003;
ALTER FOREIGN TABLE planner_orders OPTIONS (DROP request_cost_ms, DROP async_capable);
-- at the documented 10 requests a minute, a request costs 50 + 6000
CREATE SERVER gcommerce_10 FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url 'http://127.0.0.1:1/gcommerce', rate_limit_per_minute '10');
CREATE FOREIGN TABLE orders_10 (order_id bigint, status text) SERVER gcommerce_10 OPTIONS (resource 'orders');
EXPLAIN SELECT order_id FROM orders_10 WHERE order_id = 1003;
-- unanalyzed, the list is costed for the declaration's 1,000 orders: 10 pages
EXPLAIN SELECT order_id FROM orders_10;
DROP SERVER gcommerce_10 CASCADE;
-- (EXPLAIN sent nothing)
\! $SIMCTL log
-- invalid values
ALTER SERVER gcommerce OPTIONS (ADD request_cost_ms 'slow');
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER gcommerce OPTIONS (ADD async_capable 'maybe');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL config gcommerce.order_count 12
DROP FOREIGN TABLE planner_orders, planner_stock;
