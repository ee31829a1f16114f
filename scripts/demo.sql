-- commerce_fdw demo, run by scripts/demo.sh against the bundled simulator.
-- After each step, the simulator's request log shows what was sent.
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
\pset footer off
\echo
\echo '--- 1. Create the extension, a server for Glance, a user mapping, import the tables'
CREATE EXTENSION commerce_fdw;
CREATE SERVER glance FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url :'glance_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER glance OPTIONS (api_key 'glance-test-key');
IMPORT FOREIGN SCHEMA glance FROM SERVER glance INTO public;
\det
\! $SIMCTL log-clear

\echo
\echo '--- 2. How many inventory records? (answered from pagination.total: one request)'
SELECT count(*) FROM glance_inventory;
\! $SIMCTL log --clear

\echo
\echo '--- 3. The five largest stock levels in warehouse 2 (warehouseId pushed down)'
SELECT id, product_sku, product_name, quantity, location
FROM glance_inventory WHERE warehouse_id = 2 ORDER BY quantity DESC LIMIT 5;
\! $SIMCTL log --clear

\echo
\echo '--- 4. A product looked up by a SKU that needs percent-encoding'
SELECT id, name, sku, unit_cost FROM glance_products WHERE sku = 'A/B?C&D=E F';
\! $SIMCTL log --clear

\echo
\echo '--- 5. Join: each low-stock record of warehouse 3 with its product (one lookup per SKU)'
SELECT i.product_sku, i.quantity, p.name, p.unit_cost
FROM glance_inventory i JOIN glance_products p ON p.sku = i.product_sku
WHERE i.warehouse_id = 3 AND i.quantity < 15
ORDER BY i.quantity LIMIT 5;
\! $SIMCTL log --clear

\echo
\echo '--- 6. Stock sync: restock everything in warehouse 3 below 15 units by 25 (one batched adjust request)'
UPDATE glance_inventory SET quantity = quantity + 25 WHERE warehouse_id = 3 AND quantity < 15;
\! $SIMCTL log --clear

\echo
\echo '--- 7. Record an adjustment and see what the API says it did'
INSERT INTO glance_inventory_adjustments (product_id, warehouse_id, amount, reason)
VALUES (1, 1, -2, 'demo: damaged in transit')
RETURNING product_id, warehouse_id, previous_quantity, new_quantity;
\! $SIMCTL log --clear

\echo
\echo '--- 8. What the statements cost, per server'
SELECT server, requests, errors, retries, rows_returned FROM commerce_fdw_stats();
