-- Reading G-Commerce tables: envelopes, types, detail columns, order items, and the requests each query sends.
\! $SIMCTL reset
-- the API's 10 requests a minute would make the tests crawl: the simulator and the server go unlimited here
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
-- every table of the gcommerce section, with its columns
SELECT c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relkind = 'f' AND c.relname LIKE 'gcommerce\_%' GROUP BY c.relname ORDER BY c.relname;
-- a full scan: 57 products fit one page of the default page size (100); total_items ends the paging
SELECT count(product_id) AS products, count(DISTINCT main_category) AS categories, sum(amount) AS stock
FROM (SELECT * FROM gcommerce_products) s;
\! $SIMCTL log --clear
-- the same with page_size 25: three pages, the last one short
ALTER FOREIGN TABLE gcommerce_products OPTIONS (ADD page_size '25');
SELECT count(product_id) AS products FROM (SELECT * FROM gcommerce_products) s;
\! $SIMCTL log --clear
ALTER FOREIGN TABLE gcommerce_products OPTIONS (DROP page_size);
-- count(*) from params.total_items: one request of one row
SELECT count(*) FROM gcommerce_products;
\! $SIMCTL log --clear
-- LIMIT becomes items_per_page
SELECT product_id, product FROM gcommerce_products LIMIT 3;
\! $SIMCTL log --clear
-- types: numbers sent as strings become numerics and integers, epoch-second strings timestamptz,
-- category_ids bigint[]; raw keeps the strings as received
SELECT product_id, product, product_code, status, amount, min_qty, weight, price, created_at, category_ids,
       main_category, raw->>'price' AS raw_price, raw->>'timestamp' AS raw_timestamp
FROM gcommerce_products WHERE product_id = 217004;
\! $SIMCTL log --clear
-- a product that does not exist is no row (the lookup's 404)
SELECT product_id FROM gcommerce_products WHERE product_id = 999999;
\! $SIMCTL log --clear
-- detail columns come from GET /products/:id, one request a row, only when the query reads them...
SELECT product_id, product, free_shipping, list_price, full_description
FROM gcommerce_products WHERE price <= 20 ORDER BY product_id;
\! $SIMCTL log --clear
-- ... and a point lookup already returns them: no second request
SELECT product_id, free_shipping, list_price FROM gcommerce_products WHERE product_id = 217005;
\! $SIMCTL log --clear
-- EXPLAIN says when rows are fetched one by one
EXPLAIN (VERBOSE, COSTS OFF) SELECT product_id, full_description FROM gcommerce_products WHERE price <= 20;
EXPLAIN (VERBOSE, COSTS OFF) SELECT product_id, price FROM gcommerce_products WHERE price <= 20;
-- non-ASCII names arrive intact
SELECT product_id, product FROM gcommerce_products WHERE product_id = 217032;
\! $SIMCTL log --clear
-- categories: the list has id, name and status; parent, path, level, description are detail columns
SELECT category_id, category, status FROM gcommerce_categories ORDER BY category_id;
\! $SIMCTL log --clear
SELECT category_id, category, parent_id, id_path, level, description, lang_code
FROM gcommerce_categories WHERE category_id = 8212;
\! $SIMCTL log --clear
SELECT category_id, category FROM gcommerce_categories WHERE status = 'H';
\! $SIMCTL log --clear
-- orders: the list's columns in one request; the addresses, notes and products from each order
SELECT order_id, created_at, user_id, firstname, lastname, email, status, total
FROM gcommerce_orders ORDER BY order_id LIMIT 4;
\! $SIMCTL log --clear
SELECT order_id, subtotal, discount, shipping_cost, total, notes, updated_at, b_firstname, s_address, s_city,
       payment_method->>'payment' AS payment, shipping->0->>'shipping' AS shipping,
       jsonb_object_keys(products) AS item_ids
FROM gcommerce_orders WHERE order_id = 1005;
\! $SIMCTL log --clear
-- order items: the values of the order's products object (keyed by item id), one row each
SELECT order_id, item_id, product_id, product_code, product, price, amount, product_status
FROM gcommerce_order_items WHERE order_id = 1005 ORDER BY item_id;
\! $SIMCTL log --clear
-- IN: one request per order; an order that does not exist has no items
SELECT order_id, count(*) AS items, sum(price * amount) AS value
FROM gcommerce_order_items WHERE order_id IN (1001, 1002, 424242) GROUP BY order_id ORDER BY order_id;
\! $SIMCTL log --clear
-- without an order the scan cannot run: the error names the column and how to supply it
SELECT * FROM gcommerce_order_items;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM gcommerce_order_items WHERE amount > 2;
\echo :LAST_ERROR_SQLSTATE
-- a join supplies the order ids: one request per order the outer side returns (a parameterized scan)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT o.order_id, i.product_code, i.amount
FROM gcommerce_orders o JOIN gcommerce_order_items i ON i.order_id = o.order_id WHERE o.status = 'P';
SELECT o.order_id, i.product_code, i.amount
FROM gcommerce_orders o JOIN gcommerce_order_items i ON i.order_id = o.order_id WHERE o.status = 'P'
ORDER BY o.order_id, i.item_id;
\! $SIMCTL log --clear
-- purchase orders: the list, and the detail of one (products, shipping, addresses)
SELECT purchase_order_id, created_at, status, subtotal, total, firstname, lastname, email
FROM gcommerce_purchase_orders ORDER BY purchase_order_id;
\! $SIMCTL log --clear
SELECT purchase_order_id, notes, products->0->>'product_code' AS first_product, shipping->0->>'shipping' AS shipping,
       b_company, b_email, s_address_2, s_city
FROM gcommerce_purchase_orders WHERE purchase_order_id = 4001;
\! $SIMCTL log --clear
-- shipments: the carrier's tracking URL, the products shipped (item id -> quantity), the order's time
SELECT shipment_id, created_at, status, order_id, order_created_at, s_firstname, firstname, shipping_id, shipping,
       tracking_number, carrier, products, tracking_url, order_status
FROM gcommerce_shipments ORDER BY shipment_id;
\! $SIMCTL log --clear
-- credentials: the email and key are secrets of the user mapping, never of a server or table
\getenv sim_url SIM_URL
\set gcommerce_url :sim_url /gcommerce
ALTER SERVER gcommerce OPTIONS (ADD api_key 'gcommerce-test-key');
\echo :LAST_ERROR_SQLSTATE
CREATE SERVER gc_nomail FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'gcommerce', base_url :'gcommerce_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER gc_nomail OPTIONS (api_key 'gcommerce-test-key');
CREATE FOREIGN TABLE gc_nomail_products (product_id bigint) SERVER gc_nomail OPTIONS (resource 'products');
SELECT product_id FROM gc_nomail_products LIMIT 1;
\echo :LAST_ERROR_SQLSTATE
SET client_min_messages = warning;
DROP SERVER gc_nomail CASCADE;
RESET client_min_messages;
-- a wrong key: HTTP 401 -> 28000, and the message shows no secret
ALTER USER MAPPING FOR CURRENT_USER SERVER gcommerce OPTIONS (SET api_key 'wrong-key');
SELECT count(*) FROM gcommerce_products;
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR CURRENT_USER SERVER gcommerce OPTIONS (SET api_key 'gcommerce-test-key');
\! $SIMCTL log --clear --status
-- no plan shows the email, the key or the Basic credentials
DO $$
DECLARE l text; n int := 0;
BEGIN
  FOR l IN EXPLAIN (VERBOSE)
    SELECT o.order_id, i.product FROM gcommerce_orders o JOIN gcommerce_order_items i ON i.order_id = o.order_id
  LOOP
    IF l LIKE '%gcommerce-test-key%' OR l LIKE '%vendor@example.com%' OR l LIKE '%Basic%'
       OR l LIKE '%dmVuZG9yQGV4YW1wbGUuY29tOmdjb21tZXJjZS10ZXN0LWtleQ%' THEN
      n := n + 1;
    END IF;
  END LOOP;
  RAISE NOTICE 'plan lines showing a secret: %', n;
END $$;
