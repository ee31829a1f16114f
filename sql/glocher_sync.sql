-- Glocher in practice: a stock sync from Glance as one INSERT ... SELECT, and what statements cost.
\! $SIMCTL reset
-- Every physical Glance product into the Glocher shop: its quantity summed over the warehouses, its
-- price the unit cost. Products synced before (external_id 'glance-<id>') carry their Glocher id, so
-- updateStock updates them; the others have none and are created. One request for all of them.
INSERT INTO glocher_stock (id, external_id, name, description, price, weight, qty, published)
SELECT s.id, 'glance-' || p.id, p.name, p.description, p.unit_cost, coalesce(s.weight, 0.5),
       round(coalesce(i.quantity, 0))::int, p.is_active
FROM glance_products p
LEFT JOIN (SELECT product_id, sum(quantity) AS quantity FROM glance_inventory GROUP BY product_id) i
       ON i.product_id = p.id
LEFT JOIN glocher_stock s ON s.external_id = 'glance-' || p.id
WHERE p.is_physical;
-- the requests: Glance pages (products, inventory), the Glocher login, stock pages, one updateStock
\! $SIMCTL log --sort | grep -v '^    '
-- ... whose items carry a Glocher id for the 84 products synced before and none for the 41 new ones
\! $SIMCTL log --clear | grep '^    ' | tr '{' '\n' | awk '/"_external_id"/ {n++; if (/"id":[0-9]+,"name"/) u++} END {print n " items: " u " with an id, " n - u " without"}'
-- product 1 (Widget Pro, 150 + 30 in stock, unit cost 49.50) replaced Glocher's 10001, kept its weight
\! $SIMCTL state glocher stock --external-id glance-1
-- run again, nothing new is created: every product now has its Glocher id
SELECT count(*) FROM glocher_stock;
INSERT INTO glocher_stock (id, external_id, name, description, price, weight, qty, published)
SELECT s.id, 'glance-' || p.id, p.name, p.description, p.unit_cost, coalesce(s.weight, 0.5),
       round(coalesce(i.quantity, 0))::int, p.is_active
FROM glance_products p
LEFT JOIN (SELECT product_id, sum(quantity) AS quantity FROM glance_inventory GROUP BY product_id) i
       ON i.product_id = p.id
LEFT JOIN glocher_stock s ON s.external_id = 'glance-' || p.id
WHERE p.is_physical;
SELECT count(*) FROM glocher_stock;
\! $SIMCTL log-clear
-- What statements cost, counted in the simulator's log.
\! $SIMCTL reset
-- a new session: its first statement logs in (one request more)
\c
SELECT count(*) FROM glocher_stock;
\! $SIMCTL log-count
\! $SIMCTL log-clear
-- the full stock, 2,345 products: three pages
SELECT count(*) FROM glocher_stock;
\! $SIMCTL log-count
\! $SIMCTL log-clear
-- pending carts only: one request
SELECT count(*) FROM glocher_carts WHERE status = 'pending';
\! $SIMCTL log-count
\! $SIMCTL log-clear
-- all carts: one request per list
SELECT count(*) FROM glocher_carts;
\! $SIMCTL log-count
\! $SIMCTL log-clear
-- INSERT ... SELECT of 2,000 products: two updateStock requests of 1000
INSERT INTO glocher_stock (name, price, weight, qty, external_id)
SELECT 'Product ' || g, 1 + g % 50, 0.25, g % 40, 'erp-' || g FROM generate_series(1, 2000) g;
\! $SIMCTL log-count
\! $SIMCTL log-clear
-- ... and of 5,000: five
INSERT INTO glocher_stock (name, price, weight, qty, external_id)
SELECT 'Item ' || g, 1 + g % 50, 0.25, g % 40, 'erp5-' || g FROM generate_series(1, 5000) g;
\! $SIMCTL log-count
\! $SIMCTL log-clear
-- ... with RETURNING, one request per row (PostgreSQL takes RETURNING rows one at a time)
WITH added AS (
  INSERT INTO glocher_stock (name, price, weight, external_id)
  SELECT 'Returned ' || g, 2, 0.25, 'ret-' || g FROM generate_series(1, 20) g RETURNING id)
SELECT count(*) AS returned, min(id), max(id) FROM added;
\! $SIMCTL log-count
\! $SIMCTL log-clear
-- a quantity update of every product (9,365 now): 10 pages read, 10 updateStock requests
UPDATE glocher_stock SET qty = 0 WHERE qty IS NOT NULL;
\! $SIMCTL log-count
\! $SIMCTL log-clear
