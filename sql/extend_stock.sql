-- Extend warehouse stock levels: reads per warehouse, set and adjust, and the stock sync from Glance.
\! $SIMCTL reset
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- a warehouse is required (= or IN); the error names the column
SELECT * FROM extend_warehouse_stock_levels WHERE product_number = 'ART-1001';
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- warehouse = and product_number = shape the request; the warehouse name comes with each item
SELECT warehouse, product_number, customer_product_number, notes, balance, warehouse_name
FROM extend_warehouse_stock_levels WHERE warehouse = 'MAIN' AND product_number = 'ART-1002';
\! $SIMCTL log --clear
-- warehouse IN: one request series per warehouse; 40 items at the server's 50 a page: one page each
SELECT warehouse, count(*), sum(balance) FROM extend_warehouse_stock_levels
WHERE warehouse IN ('MAIN', 'GBG') GROUP BY 1 ORDER BY 1;
\! $SIMCTL log --clear

-- UPDATE SET balance = x -> POST WarehouseStockLevels (sets the balance); RETURNING raw shows the answer
UPDATE extend_warehouse_stock_levels SET balance = 25
WHERE warehouse = 'MAIN' AND product_number = 'ART-1002' RETURNING raw;
\! $SIMCTL log --clear
\! $SIMCTL state extend stock-levels --warehouse MAIN --product-number ART-1002
-- SET balance = balance ± n -> PUT WarehouseStockLevels with balanceDifference
UPDATE extend_warehouse_stock_levels SET balance = balance - 4
WHERE warehouse = 'MAIN' AND product_number IN ('ART-1002', 'ART-1003');
\! $SIMCTL log --clear
\! $SIMCTL state extend stock-levels --warehouse MAIN --product-number ART-1002
\! $SIMCTL state extend stock-levels --warehouse MAIN --product-number ART-1003
-- notes and the customer's product number change with the set request (the balance is sent as it is)
UPDATE extend_warehouse_stock_levels SET notes = 'recount 2026-11'
WHERE warehouse = 'GBG' AND product_number = 'ART-1004';
\! $SIMCTL log --clear
\! $SIMCTL state extend stock-levels --warehouse GBG --product-number ART-1004
-- INSERT -> POST WarehouseStockLevels: a product that had no level in the warehouse
INSERT INTO extend_warehouse_stock_levels (warehouse, product_number, customer_product_number, balance)
VALUES ('MMO', 'ART-1005', 'WDG-005', 12);
\! $SIMCTL log --clear
\! $SIMCTL state extend stock-levels --warehouse MMO
-- the answer's Message and Information reach the user, with the SQLSTATE of a 400
INSERT INTO extend_warehouse_stock_levels (warehouse, product_number, balance) VALUES ('MMO', 'NOPE-1', 1);
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- balance is required by both requests; DELETE has no request
INSERT INTO extend_warehouse_stock_levels (warehouse, product_number) VALUES ('MMO', 'ART-1006');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM extend_warehouse_stock_levels WHERE warehouse = 'MMO';
\! $SIMCTL log --clear

-- a PUT that applies a difference is never repeated: a 503 to it fails the statement after one request
-- (a second PUT could apply the difference twice)
\! $SIMCTL fault --api extend --method PUT --status 503 --count 1
UPDATE extend_warehouse_stock_levels SET balance = balance + 1
WHERE warehouse = 'MAIN' AND product_number = 'ART-1010';
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
\! $SIMCTL state extend stock-levels --warehouse MAIN --product-number ART-1010

-- The stock sync of docs/extend.md: Glance's warehouse 1 is what the webshop sells from; Extend's MAIN
-- warehouse keeps the webshop's SKU as customer_product_number. One statement sets every level that differs.
\! $SIMCTL reset
UPDATE extend_warehouse_stock_levels s SET balance = g.quantity
FROM glance_inventory g
WHERE s.warehouse = 'MAIN' AND g.warehouse_id = 1
  AND s.customer_product_number = g.product_sku AND s.balance IS DISTINCT FROM g.quantity;
-- requests: one Glance list page (100 records), one Extend list page, one POST per level that differed
\! $SIMCTL log | grep -v '^ ' | grep GET
\! $SIMCTL log | grep -c 'extend POST /RESTAPI/v1_0/ACME/WarehouseStockLevels'
\! $SIMCTL log-clear
-- the remote state now equals Glance's: no level differs
SELECT count(*) AS levels, count(*) FILTER (WHERE s.balance <> g.quantity) AS differing
FROM extend_warehouse_stock_levels s JOIN glance_inventory g
  ON s.customer_product_number = g.product_sku AND g.warehouse_id = 1
WHERE s.warehouse = 'MAIN';
\! $SIMCTL state extend stock-levels --warehouse MAIN --customer-product-number WDG-001
\! $SIMCTL state glance inventory --product-id 1 --warehouse-id 1
\! $SIMCTL log-clear
-- run again: nothing differs, so the two list requests are all it sends
UPDATE extend_warehouse_stock_levels s SET balance = g.quantity
FROM glance_inventory g
WHERE s.warehouse = 'MAIN' AND g.warehouse_id = 1
  AND s.customer_product_number = g.product_sku AND s.balance IS DISTINCT FROM g.quantity;
\! $SIMCTL log --clear
-- one sale in Glance: the next run sends one POST
UPDATE glance_inventory SET quantity = quantity - 3 WHERE id = 1;
\! $SIMCTL log-clear
UPDATE extend_warehouse_stock_levels s SET balance = g.quantity
FROM glance_inventory g
WHERE s.warehouse = 'MAIN' AND g.warehouse_id = 1
  AND s.customer_product_number = g.product_sku AND s.balance IS DISTINCT FROM g.quantity;
\! $SIMCTL log --clear
\! $SIMCTL state extend stock-levels --warehouse MAIN --customer-product-number WDG-001
