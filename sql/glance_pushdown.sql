-- Which conditions shape the requests (asserted on the simulator's request log).
\! $SIMCTL reset
-- id = : the single-record endpoint
SELECT id, product_id, quantity FROM glance_inventory WHERE id = 42;
\! $SIMCTL log --clear
-- a missing id is zero rows, not an error
SELECT id FROM glance_inventory WHERE id = 999999;
\! $SIMCTL log --clear
-- id IN: one lookup per distinct value
SELECT id FROM glance_inventory WHERE id IN (3, 1, 3) ORDER BY id;
\! $SIMCTL log --clear
-- warehouse_id = : the warehouseId parameter (the pagination stops at hasMore = false)
SELECT count(*) FROM (SELECT id FROM glance_inventory WHERE warehouse_id = 2) s;
\! $SIMCTL log --clear
-- warehouse_id IN: one request series per warehouse
SELECT warehouse_id, count(*) FROM glance_inventory WHERE warehouse_id IN (1, 3) GROUP BY 1 ORDER BY 1;
\! $SIMCTL log --clear
-- product_id = : the by-product endpoint, product_id filled from the condition
SELECT id, product_id, warehouse_id, quantity FROM glance_inventory WHERE product_id = 1 ORDER BY id;
\! $SIMCTL log --clear
-- ... and when the query reads name or SKU, which that endpoint lacks, one product lookup supplies them
SELECT id, product_id, product_name, product_sku FROM glance_inventory WHERE product_id = 1 ORDER BY id;
\! $SIMCTL log --clear
-- search = : the search parameter; the column echoes the term
SELECT count(*) > 0 AS found, min(search) AS search FROM glance_inventory WHERE search = 'Widget';
\! $SIMCTL log --clear
-- sku = : /products/sku/:sku with the SKU percent-encoded as one path segment
SELECT id, sku FROM glance_products WHERE sku = 'A/B?C&D=E F';
\! $SIMCTL log --clear
-- vendor_id and is_physical
SELECT count(*) FROM (SELECT id FROM glance_products WHERE vendor_id = 2 AND NOT is_physical) s;
\! $SIMCTL log --clear
-- clients by tax id and type
SELECT id FROM glance_clients WHERE type = 'COMPANY' AND tax_id = '500000003';
\! $SIMCTL log --clear
-- documents: date ranges become startDate / endDate, type and client
SELECT count(*) FROM (SELECT id FROM glance_documents WHERE date >= '2026-03-01' AND date < '2026-06-01' AND type = 'invoice') s;
\! $SIMCTL log --clear
-- values only known at execution: a prepared statement with a generic plan
SET plan_cache_mode = force_generic_plan;
PREPARE by_sku(text) AS SELECT id, sku FROM glance_products WHERE sku = $1;
EXECUTE by_sku('WDG-002');
EXECUTE by_sku('WDG-003');
\! $SIMCTL log --clear
PREPARE by_wh(bigint) AS SELECT count(*) FROM (SELECT id FROM glance_inventory WHERE warehouse_id = $1) s;
EXECUTE by_wh(3);
\! $SIMCTL log --clear
RESET plan_cache_mode;
-- a join: each SKU of the outer side looked up with /products/sku/:sku
EXPLAIN (COSTS OFF)
SELECT i.id, p.name FROM glance_inventory i JOIN glance_products p ON p.sku = i.product_sku WHERE i.id IN (1, 2);
SELECT i.id, p.name FROM glance_inventory i JOIN glance_products p ON p.sku = i.product_sku WHERE i.id IN (1, 2)
ORDER BY i.id;
\! $SIMCTL log --clear
-- count(*) from pagination.total: one request, whatever the size
SELECT count(*) FROM glance_inventory;
SELECT count(*) FROM glance_inventory WHERE warehouse_id = 2;
\! $SIMCTL log --clear
-- NULL never matches: no request at all
SELECT id FROM glance_inventory WHERE warehouse_id = NULL::bigint;
\! $SIMCTL log --clear
