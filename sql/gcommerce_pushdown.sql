-- G-Commerce pushdown: which conditions, sorts and limits shape the requests (at 10 requests a minute, each one counts).
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
-- product_id = and IN: the single-object endpoint, one request per value
SELECT product_id, product FROM gcommerce_products WHERE product_id IN (217002, 217003) ORDER BY product_id;
\! $SIMCTL log --clear
-- ORDER BY price DESC LIMIT 3 with a price range: one request, sorted and cut by the API
EXPLAIN (VERBOSE, COSTS OFF)
SELECT product_id, product, price FROM gcommerce_products WHERE price BETWEEN 50 AND 150 ORDER BY price DESC LIMIT 3;
SELECT product_id, product, price FROM gcommerce_products WHERE price BETWEEN 50 AND 150 ORDER BY price DESC LIMIT 3;
\! $SIMCTL log --clear
-- strict bounds go as inclusive ones (PostgreSQL rechecks them), so the LIMIT can no longer be sent
SELECT product_id, price FROM gcommerce_products WHERE price > 49 AND price < 100 ORDER BY price LIMIT 1;
\! $SIMCTL log --clear
-- stock ranges: amount_from / amount_to
SELECT product_id, amount FROM gcommerce_products WHERE amount <= 10 ORDER BY product_id;
\! $SIMCTL log --clear
SELECT count(*) FROM gcommerce_products WHERE amount >= 200 AND amount <= 240;
\! $SIMCTL log --clear
-- each sortable column maps to its sort_by name (text sorts push under the C collation)
SELECT product_id, product FROM gcommerce_products ORDER BY product LIMIT 2;
\! $SIMCTL log --clear
SELECT product_id, product_code FROM gcommerce_products ORDER BY product_code DESC LIMIT 2;
\! $SIMCTL log --clear
SELECT product_id, amount FROM gcommerce_products ORDER BY amount DESC LIMIT 2;
\! $SIMCTL log --clear
SELECT product_id, status FROM gcommerce_products ORDER BY status DESC LIMIT 2;
\! $SIMCTL log --clear
-- status =, IN (one request series per value)
SELECT product_id, product, status FROM gcommerce_products WHERE status = 'H' ORDER BY product_id;
\! $SIMCTL log --clear
SELECT status, count(*) FROM gcommerce_products WHERE status IN ('D', 'H') GROUP BY status ORDER BY status;
\! $SIMCTL log --clear
-- product_code =: the search q with pcode=Y; it matches codes containing the term, PostgreSQL keeps the equal one
SELECT product_id, product_code FROM gcommerce_products WHERE product_code = 'WDG-012';
\! $SIMCTL log --clear --status
SELECT count(*) FROM gcommerce_products WHERE product_code = 'WDG-01';
\! $SIMCTL log --clear
-- product = / LIKE / ILIKE: the search q with pname=Y, sending the pattern's longest literal part
SELECT product_id, product FROM gcommerce_products WHERE product = '3D Scanner';
\! $SIMCTL log --clear
SELECT product_id, product FROM gcommerce_products WHERE product LIKE '%Printer - Bulk%' ORDER BY product_id;
\! $SIMCTL log --clear
SELECT product_id, product FROM gcommerce_products WHERE product ILIKE '%GLOVES%' ORDER BY product_id;
\! $SIMCTL log --clear
-- LIKE escapes: the literal % of "100%" is part of the term
SELECT product_id, product FROM gcommerce_products WHERE product LIKE '100\% Cotton%';
\! $SIMCTL log --clear
-- a pattern without a literal part cannot be searched: every product is read, PostgreSQL filters
SELECT count(*) FROM gcommerce_products WHERE product LIKE '%_%';
\! $SIMCTL log --clear
-- a name and a code condition: one request carries one q, the other condition stays with PostgreSQL
SELECT product_id FROM gcommerce_products WHERE product LIKE 'Label%' AND product_code = 'WDG-004';
\! $SIMCTL log --clear
-- the search is a superset, so LIMIT is not sent with it: PostgreSQL needs the full match first
EXPLAIN (VERBOSE, COSTS OFF) SELECT product_id FROM gcommerce_products WHERE product ILIKE '%printer%' LIMIT 1;
-- categories: category_ids @> {id} and main_category = go as cid (the products of that category)
SELECT product_id, category_ids FROM gcommerce_products WHERE category_ids @> '{8212}' ORDER BY product_id;
\! $SIMCTL log --clear
-- main_category = is a superset (cid also finds products whose extra category it is); PostgreSQL rechecks
SELECT count(*) AS main_8210 FROM gcommerce_products WHERE main_category = 8210;
\! $SIMCTL log --clear --status
-- several pushed conditions together
SELECT product_id, product, price, amount FROM gcommerce_products
WHERE main_category = 8211 AND status = 'A' AND price >= 100 AND amount > 0 ORDER BY price;
\! $SIMCTL log --clear
-- a condition the API cannot apply is left to PostgreSQL, and the LIMIT with it
SELECT product_id FROM gcommerce_products WHERE weight > 5 ORDER BY product_id LIMIT 2;
\! $SIMCTL log --clear
-- orders: status, email, user_id; ORDER BY created_at is sort_by=date
SELECT order_id, status FROM gcommerce_orders WHERE status = 'K';
\! $SIMCTL log --clear
-- (the API ignores the case of emails: PostgreSQL's recheck keeps = exact)
SELECT order_id, email FROM gcommerce_orders WHERE email = 'jane.roe@example.com';
\! $SIMCTL log --clear
SELECT order_id, email FROM gcommerce_orders WHERE email = 'Jane.Roe@Example.com' ORDER BY order_id;
\! $SIMCTL log --clear
SELECT order_id, user_id FROM gcommerce_orders WHERE user_id = 3 ORDER BY order_id;
\! $SIMCTL log --clear
SELECT order_id, created_at FROM gcommerce_orders ORDER BY created_at DESC LIMIT 2;
\! $SIMCTL log --clear
SELECT order_id, created_at FROM gcommerce_orders WHERE status = 'P' ORDER BY created_at LIMIT 1;
\! $SIMCTL log --clear
SELECT count(*) FROM gcommerce_orders WHERE status = 'P';
\! $SIMCTL log --clear
-- purchase orders: status, email, user_id (the list does not return user_id: the column echoes the condition)
SELECT purchase_order_id, status FROM gcommerce_purchase_orders WHERE status = 'O' ORDER BY purchase_order_id;
\! $SIMCTL log --clear
SELECT purchase_order_id, user_id, email FROM gcommerce_purchase_orders WHERE user_id = 7 ORDER BY purchase_order_id;
\! $SIMCTL log --clear
SELECT purchase_order_id, email FROM gcommerce_purchase_orders WHERE email = 'bob@example.com';
\! $SIMCTL log --clear
-- shipments: shipment_id, order_id, status
SELECT shipment_id, order_id FROM gcommerce_shipments WHERE shipment_id = 302;
\! $SIMCTL log --clear
SELECT shipment_id, status FROM gcommerce_shipments WHERE order_id = 1010;
\! $SIMCTL log --clear
SELECT shipment_id FROM gcommerce_shipments WHERE status = 'S' ORDER BY shipment_id;
\! $SIMCTL log --clear
-- categories: category_id = is the single-object endpoint
SELECT category_id, category FROM gcommerce_categories WHERE category_id = 8219;
\! $SIMCTL log --clear
