-- Extend reads: the tables, and which conditions shape the requests (asserted on the simulator's log).
\! $SIMCTL reset
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- every table of the extend section, with its columns
SELECT c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relkind = 'f' AND c.relname LIKE 'extend\_%' GROUP BY c.relname ORDER BY c.relname;

-- product prices: a customer is required; the error names the column
SELECT * FROM extend_product_prices WHERE product_number = 'ART-1001';
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM extend_product_prices;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- customer_number = : one request series; the items lack the customer, which comes from the condition.
-- 53 rows at the server's 50 a page: pageNumber 1 and 2, then paginationInfo.totalPages says stop
SELECT customer_number, count(*) AS rows, count(DISTINCT product_number) AS products,
       min(currency) AS currency FROM extend_product_prices WHERE customer_number = '10001' GROUP BY 1;
\! $SIMCTL log --clear
-- prices of 25 products for one customer: productNumberList repeated, at most 10 a request -> 3 requests
SELECT count(*) AS rows, count(DISTINCT product_number) AS products
FROM extend_product_prices
WHERE customer_number = '10001'
  AND product_number IN ('ART-1001', 'ART-1002', 'ART-1003', 'ART-1004', 'ART-1005', 'ART-1006', 'ART-1007',
                         'ART-1008', 'ART-1009', 'ART-1010', 'ART-1011', 'ART-1012', 'ART-1013', 'ART-1014',
                         'ART-1015', 'ART-1016', 'ART-1017', 'ART-1018', 'ART-1019', 'ART-1020', 'ART-1021',
                         'ART-1022', 'ART-1023', 'ART-1024', 'ART-1025');
\! $SIMCTL log --clear
-- the same list built by a subquery (an initplan: its values are known when the scan starts)
SELECT count(*) AS rows FROM extend_product_prices
WHERE customer_number = '10001'
  AND product_number = ANY (ARRAY(SELECT 'ART-' || g FROM generate_series(1001, 1025) g));
\! $SIMCTL log --clear
-- customer_number IN: one request series per customer; prices differ per customer (net of each one's discount)
SELECT customer_number, product_number, from_quantity, price, list_price, vat_percent, currency
FROM extend_product_prices
WHERE customer_number IN ('10001', '10002', '10003') AND product_number IN ('ART-1001', 'ART-1003')
ORDER BY customer_number, product_number, from_quantity;
\! $SIMCTL log --clear
-- currency = : the currency parameter (10002 buys in EUR: no SEK prices)
SELECT count(*) FROM extend_product_prices WHERE customer_number = '10002' AND currency = 'SEK';
\! $SIMCTL log --clear
-- a join supplies the customers: one request series per customer of the outer side
CREATE TEMP TABLE key_accounts (customer_number text);
INSERT INTO key_accounts VALUES ('10004'), ('10005');
ANALYZE key_accounts;
SELECT k.customer_number, p.price
FROM key_accounts k JOIN extend_product_prices p ON p.customer_number = k.customer_number
WHERE p.product_number = 'ART-1001' ORDER BY 1;
\! $SIMCTL log --clear --sort

-- product availability: product_number, warehouse (= or IN) and changed_at > / >= shape the request
SELECT product_number, warehouse, warehouse_name, physical_balance, available_balance, blocked_balance,
       ordered_quantity, next_receiving_date, quantity_on_next_receiving, available_on_next_receiving, changed_at
FROM extend_product_availability WHERE product_number = 'ART-1003' ORDER BY warehouse;
\! $SIMCTL log --clear
SELECT warehouse, count(*) FROM extend_product_availability WHERE warehouse IN ('GBG', 'MMO') GROUP BY 1 ORDER BY 1;
\! $SIMCTL log --clear
-- changed since a given time: modifiedDateFrom in UTC, seconds precision (the API's format), whatever the
-- session's time zone; the API's bound is inclusive, PostgreSQL applies > itself
SET timezone = 'Europe/Stockholm';
SELECT product_number, warehouse, available_balance, changed_at
FROM extend_product_availability WHERE changed_at > '2026-11-22 13:00:00+01' ORDER BY changed_at;
\! $SIMCTL log --clear
SET timezone = 'UTC';
-- a fractional second rounds the remote bound down: a superset, never less
SELECT count(*) FROM (SELECT 1 FROM extend_product_availability WHERE changed_at >= '2026-11-22 12:00:00.5+00') s;
\! $SIMCTL log --clear
-- count(*) answers from paginationInfo.totalResources: one request
SELECT count(*) FROM extend_product_availability;
SELECT count(*) FROM extend_product_availability WHERE changed_at >= '2026-11-22 12:00:00+00';
\! $SIMCTL log --clear
-- a full read follows paginationInfo.totalPages (68 rows, 50 a page)
SELECT count(DISTINCT (product_number, warehouse)) FROM (SELECT * FROM extend_product_availability) s;
\! $SIMCTL log --clear

-- products: product_number = is the single-product endpoint, its number percent-encoded as one segment
SELECT product_number, name, changed_at FROM extend_products WHERE product_number = 'KIT 40/B';
SELECT product_number, name, changed_at FROM extend_products WHERE product_number = 'ART-1002';
\! $SIMCTL log --clear
-- a product that does not exist is zero rows, not an error
SELECT product_number FROM extend_products WHERE product_number = 'NOPE-1';
\! $SIMCTL log --clear
-- the list is a bare array: pageCount rows from page pageOffset, until a page comes back short
ALTER FOREIGN TABLE extend_products OPTIONS (ADD page_size '15');
SELECT count(*) FROM (SELECT * FROM extend_products) s;
\! $SIMCTL log --clear
ALTER FOREIGN TABLE extend_products OPTIONS (DROP page_size);
-- LIMIT with every condition applied remotely shapes pageCount
SELECT product_number, name FROM extend_products LIMIT 3;
\! $SIMCTL log --clear
-- changed_at >= -> modifiedDateFrom. The list items (ProductListItem) carry no change date: the remote's
-- filter decides, PostgreSQL does not recheck it against the NULL (which would drop every row)
SELECT product_number, changed_at FROM extend_products WHERE changed_at >= '2026-11-06' ORDER BY 1;
\! $SIMCTL log --clear
-- and < / <= -> modifiedDateTo; the list columns
SELECT product_number, name, created_at, unit, cost, currency, country_of_origin, supply_mode, manufacturer,
       manufacturer_product_number, gtin, warehouse, changed_at
FROM extend_products WHERE changed_at >= '2026-11-06' AND changed_at <= '2026-11-07 08:00:00+00' ORDER BY 1;
\! $SIMCTL log --clear
EXPLAIN (VERBOSE, COSTS OFF)
SELECT product_number FROM extend_products WHERE changed_at >= '2026-11-06' AND changed_at < '2026-11-07';
-- the single product has its dates: changed_at is filled, and a condition on it is checked by PostgreSQL
SELECT product_number, changed_at FROM extend_products
WHERE product_number = 'ART-1037' AND changed_at >= '2026-11-06';
SELECT product_number, changed_at FROM extend_products
WHERE product_number = 'ART-1036' AND changed_at >= '2026-11-06';
\! $SIMCTL log --clear
-- name = -> productName (matched case-insensitively by the API: PostgreSQL keeps the exact match);
-- warehouse = -> warehouse
SELECT product_number, name, warehouse FROM extend_products WHERE name = 'Oak chair Classic' AND warehouse = 'MAIN';
SELECT product_number FROM extend_products WHERE name = 'oak chair classic';
\! $SIMCTL log --clear
SELECT count(*) FROM extend_products WHERE warehouse = 'GBG';
\! $SIMCTL log --clear

-- customers: customer_number, name, email (-> email2), changed_at (-> changedAfterDate)
SELECT customer_number, name, last_name, organization_number, email, phone, delivery_address,
       delivery_postal_code, delivery_city, credit_limit, credit_limit_currency, invoice_email, changed_at
FROM extend_customers WHERE customer_number = '10001';
\! $SIMCTL log --clear
SELECT customer_number, name, last_name FROM extend_customers WHERE name = 'Anna';
SELECT customer_number, email FROM extend_customers WHERE email = 'orders@berlinmobel.example.com';
SELECT customer_number, changed_at FROM extend_customers WHERE changed_at >= '2026-09-01' ORDER BY 1;
\! $SIMCTL log --clear

-- customer orders: order_number = is the single order ({orderHeader, orderRows}, which lacks the
-- customer's name, the total and the change date)
SELECT order_number, order_number_external, order_type, order_status, order_date, asked_delivery_date,
       customer_number, customer_name, total_price, jsonb_array_length(order_rows) AS rows
FROM extend_customer_orders WHERE order_number = '100001';
\! $SIMCTL log --clear
SELECT order_number FROM extend_customer_orders WHERE order_number = '999999';
\! $SIMCTL log --clear
-- the list (a bare array, pageCount + pageOffset) with its filters
SELECT order_number, order_number_external, order_status, order_date, customer_number, customer_name, total_price,
       changed_at
FROM extend_customer_orders WHERE customer_number = '10002' AND order_status = 'Reserved' ORDER BY 1;
\! $SIMCTL log --clear
SELECT order_number, customer_number FROM extend_customer_orders WHERE order_number_external = 'WEB-5007';
\! $SIMCTL log --clear
-- order_date ranges: orderDate is a date-time in the ERP's own time zone, so the remote bounds widen by a
-- day on each side (no zone offset can then make the API return less); PostgreSQL applies the exact range
-- (order 100016 was placed 2026-10-31 at 10:16 UTC, 100007 on 2026-10-13, 100017 on 2026-11-02)
SELECT order_number, order_date FROM extend_customer_orders
WHERE order_date BETWEEN '2026-10-15' AND '2026-10-31' ORDER BY 1;
\! $SIMCTL log --clear
SELECT count(*) FROM (SELECT 1 FROM extend_customer_orders WHERE order_date > '2026-11-10') s;
\! $SIMCTL log --clear
SELECT order_number, changed_at FROM extend_customer_orders WHERE changed_at >= '2026-11-18' ORDER BY 1;
\! $SIMCTL log --clear
-- order_rows comes only with the single order: fetched per order, and only when the query reads it;
-- the list's own columns (customer_name, total_price) stay filled
SELECT order_number, customer_name, total_price, jsonb_array_length(order_rows) AS rows,
       (SELECT sum((r -> 'salesData' ->> 'quantity')::numeric) FROM jsonb_array_elements(order_rows) r) AS units
FROM extend_customer_orders WHERE customer_number = '10002' ORDER BY 1;
\! $SIMCTL log --clear --sort
-- paging: 25 orders at pageCount 10 are pages 0, 1 and the short page 2
ALTER FOREIGN TABLE extend_customer_orders OPTIONS (ADD page_size '10');
SELECT count(*) FROM (SELECT order_number FROM extend_customer_orders) s;
\! $SIMCTL log --clear
ALTER FOREIGN TABLE extend_customer_orders OPTIONS (DROP page_size);

-- EXPLAIN VERBOSE shows the requests
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM extend_product_prices
WHERE customer_number IN ('10001', '10002')
  AND product_number IN ('ART-1001', 'ART-1002', 'ART-1003', 'ART-1004', 'ART-1005', 'ART-1006', 'ART-1007',
                         'ART-1008', 'ART-1009', 'ART-1010', 'ART-1011', 'ART-1012');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT order_number, order_rows FROM extend_customer_orders
WHERE order_date >= '2026-10-01' AND order_date <= '2026-10-31' AND order_status = 'Reserved';
