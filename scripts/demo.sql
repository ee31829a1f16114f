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
\echo '--- 8. G-Commerce: push the stock levels of Glance into the marketplace in one UPDATE ... FROM'
\echo '       (the real API allows 10 requests a minute; the demo raises the simulated limit to 60)'
\! $SIMCTL config gcommerce.rate_limit_per_minute 60
\set gcommerce_url :sim_url /gcommerce
CREATE SERVER gcommerce FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url :'gcommerce_url', rate_limit_per_minute '60');
CREATE USER MAPPING FOR CURRENT_USER SERVER gcommerce OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
IMPORT FOREIGN SCHEMA gcommerce FROM SERVER gcommerce INTO public;
\! $SIMCTL log-clear
UPDATE gcommerce_products g
SET amount = s.stock
FROM (SELECT product_sku, floor(sum(quantity))::int AS stock FROM glance_inventory GROUP BY product_sku) s
WHERE g.product_code = s.product_sku AND g.amount IS DISTINCT FROM s.stock;
\! $SIMCTL log --clear | cut -c1-160
SELECT product_code, amount, price FROM gcommerce_products ORDER BY price DESC LIMIT 3;
\! $SIMCTL log --clear

\echo
\echo '--- 9. Glocher: the physical Glance products into the shop in one INSERT ... SELECT (one updateStock request)'
\set glocher_url :sim_url /glocher
CREATE SERVER glocher FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glocher', base_url :'glocher_url', shop_id '42');
CREATE USER MAPPING FOR CURRENT_USER SERVER glocher OPTIONS (email 'api@glocher.test', password 'glocher-test-pass');
IMPORT FOREIGN SCHEMA glocher FROM SERVER glocher INTO public;
INSERT INTO glocher_stock (id, external_id, name, description, price, weight, qty, published)
SELECT s.id, 'glance-' || p.id, p.name, p.description, p.unit_cost, coalesce(s.weight, 0.5),
       round(coalesce(i.quantity, 0))::int, p.is_active
FROM glance_products p
LEFT JOIN (SELECT product_id, sum(quantity) AS quantity FROM glance_inventory GROUP BY product_id) i
       ON i.product_id = p.id
LEFT JOIN glocher_stock s ON s.external_id = 'glance-' || p.id
WHERE p.is_physical;
\! $SIMCTL log --clear | cut -c1-160
SELECT status, count(*) FROM glocher_carts GROUP BY status ORDER BY status;
\! $SIMCTL log --clear

\echo
\echo '--- 10. Extend: what changed in availability since yesterday noon (one request), and webshop orders'
\echo '        placed as ERP customer orders, idempotently (run twice: the second run places nothing)'
\set extend_url :sim_url /extend/RESTAPI/v1_0/ACME
CREATE SERVER extend FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'extend', base_url :'extend_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER extend OPTIONS (username 'extend-user', password 'extend-pass');
IMPORT FOREIGN SCHEMA extend FROM SERVER extend INTO public;
SELECT product_number, warehouse, available_balance, changed_at
FROM extend_product_availability WHERE changed_at > '2026-11-22 12:00+00' ORDER BY changed_at LIMIT 5;
\! $SIMCTL log --clear
CREATE TABLE webshop_customer_map (email text PRIMARY KEY, customer_number text NOT NULL);
INSERT INTO webshop_customer_map VALUES ('ann.lee@example.com', '10001'), ('john.doe@domain.com', '10002');
-- webshop product codes to ERP article numbers (the demo's ERP has 39 articles)
CREATE TABLE webshop_product_map AS
SELECT 'WDG-' || lpad(g::text, 3, '0') AS product_code, 'ART-' || (1001 + (g - 1) % 39) AS product_number
FROM generate_series(1, 57) g;
\set place_orders 'INSERT INTO extend_customer_orders (order_number_external, customer_number, order_date, order_rows) SELECT ''GC-'' || o.order_id, m.customer_number, o.created_at::date, (SELECT jsonb_agg(jsonb_build_object(''product'', jsonb_build_object(''productNumber'', pm.product_number), ''salesData'', jsonb_build_object(''quantity'', i.amount, ''unitPrice'', i.price, ''currency'', ''SEK'')) ORDER BY i.item_id) FROM gcommerce_order_items i JOIN webshop_product_map pm USING (product_code) WHERE i.order_id = o.order_id) FROM gcommerce_orders o JOIN webshop_customer_map m ON m.email = lower(o.email) WHERE o.status = ''P'' ON CONFLICT DO NOTHING'
:place_orders;
\! $SIMCTL log --clear | grep -v '^ '
:place_orders;
\! $SIMCTL log --clear | grep -v '^ '
SELECT order_number, order_number_external, customer_number, order_status
FROM extend_customer_orders WHERE order_number_external LIKE 'GC-%' ORDER BY 1;
\! $SIMCTL log-clear

\echo
\echo '--- 11. What the statements cost, per server'
SELECT server, requests, errors, retries, http_429, rows_returned FROM commerce_fdw_stats() ORDER BY server;
