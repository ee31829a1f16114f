-- Writes to G-Commerce: the requests they become and the remote state afterwards.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
-- INSERT -> POST /products (free_shipping as Y/N); RETURNING takes the new product_id from the answer
INSERT INTO gcommerce_products (product, product_code, price, list_price, amount, category_ids, main_category,
                                status, free_shipping, full_description)
VALUES ('Resin Printer', 'WDG-900', 349.90, 399, 12, '{8212,8211}', 8212, 'A', true, '<p>Prints resin</p>')
RETURNING product_id, product, product_code, price, amount;
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce products --id 217058
-- the API's validation errors: HTTP 400 -> 22023 with the remote message
INSERT INTO gcommerce_products (product, price, main_category) VALUES ('Nowhere', 1, 9999);
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- UPDATE of amount (and/or price) only -> POST /products_bulk, price sent as vendor_price; the rows
-- are queued and sent together when the statement ends
UPDATE gcommerce_products SET amount = 40 WHERE product_id IN (217001, 217002);
\! $SIMCTL log --clear
UPDATE gcommerce_products SET amount = amount + 5, price = price + 0.5 WHERE status = 'H';
\! $SIMCTL log --clear
SELECT product_id, amount, price FROM gcommerce_products WHERE product_id IN (217001, 217015, 217045) ORDER BY 1;
\! $SIMCTL log-clear
-- an amount update of every product: one list page and one bulk request of 58 items
EXPLAIN (VERBOSE, COSTS OFF) UPDATE gcommerce_products SET amount = amount + 1;
UPDATE gcommerce_products SET amount = amount + 1;
\! $SIMCTL log --clear | awk '/^    \[/ { print "    [" gsub(/"product_id"/, "") " items]"; next } { print }'
-- up to batch_size rows a request (the API's maximum, 1000, by default): 58 rows in batches of 25 are 3 requests
ALTER FOREIGN TABLE gcommerce_products OPTIONS (ADD batch_size '25');
UPDATE gcommerce_products SET amount = amount - 1;
\! $SIMCTL log --clear | awk '/^    \[/ { print "    [" gsub(/"product_id"/, "") " items]"; next } { print }'
-- a failed bulk request fails the statement and says what was applied
\! $SIMCTL fault --api gcommerce --method POST --path-prefix /products_bulk --status 500 --count 1
UPDATE gcommerce_products SET amount = amount + 1;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear | awk '/^    \[/ { print "    [" gsub(/"product_id"/, "") " items]"; next } { print }'
ALTER FOREIGN TABLE gcommerce_products OPTIONS (DROP batch_size);
-- with RETURNING, each row is its own bulk request so it can return what the API did
UPDATE gcommerce_products SET price = 99.5 WHERE product_id = 217003 RETURNING product_id, price, amount;
\! $SIMCTL log --clear
-- any other change -> PUT /products/:id with just the columns it sets
UPDATE gcommerce_products SET product = 'Inkjet Printer Pro', status = 'H' WHERE product_id = 217003;
\! $SIMCTL log --clear
-- amount together with another column is not a bulk update (the bulk endpoint changes stock and prices only)
UPDATE gcommerce_products SET amount = 3, free_shipping = false WHERE product_id = 217003;
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce products --id 217003
-- columns the API sets itself cannot be changed
UPDATE gcommerce_products SET created_at = now() WHERE product_id = 217003;
\echo :LAST_ERROR_SQLSTATE
-- DELETE -> DELETE /products/:id
DELETE FROM gcommerce_products WHERE product_id = 217058;
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce products --id 217058
-- Orders: accepting one -> PUT /order_status/:id {"status":"K"}
UPDATE gcommerce_orders SET status = 'K' WHERE order_id = 1001;
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce orders --id 1001 | grep -o '"status":"[A-Z]"\|"updated_at":"[0-9]*"'
-- accepting every open order: the list, then one request per order
UPDATE gcommerce_orders SET status = 'K' WHERE status = 'O';
\! $SIMCTL log --clear
SELECT order_id, status FROM gcommerce_orders WHERE status = 'K' ORDER BY order_id;
\! $SIMCTL log-clear
-- a status the API does not know: its 400
UPDATE gcommerce_orders SET status = 'Z' WHERE order_id = 1012;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- only the status of an order can change, and orders cannot be deleted or created
UPDATE gcommerce_orders SET email = 'x@example.com' WHERE order_id = 1001;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM gcommerce_orders WHERE order_id = 1001;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO gcommerce_orders (status) VALUES ('P');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO gcommerce_order_items (order_id, item_id) VALUES (1, 1);
\echo :LAST_ERROR_SQLSTATE
-- Shipping an order -> POST /shipments: products maps the order's item ids to quantities, order_status
-- moves the order on (J, shipped); RETURNING gives the new shipment's id
INSERT INTO gcommerce_shipments (order_id, products, carrier, tracking_number, status, order_status, shipping_id,
                                 comments)
VALUES (1001, '{"2756910010": 2, "2756910011": 3}', 'ups', '1Z12345E0205271688', 'S', 'J', 44, 'Two boxes')
RETURNING shipment_id, order_id, status, order_status;
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce shipments --id 304
\! $SIMCTL state gcommerce orders --id 1001 | grep -o '"status":"[A-Z]"\|"shipment_ids":\[[^]]*\]'
-- shipping everything an order holds, straight from its items: one read and one write
INSERT INTO gcommerce_shipments (order_id, products, carrier, tracking_number, status, order_status)
SELECT order_id, jsonb_object_agg(item_id, amount), 'usps', '9400111899223197428490', 'S', 'J'
FROM gcommerce_order_items WHERE order_id = 1007 GROUP BY order_id
RETURNING shipment_id, order_id;
\! $SIMCTL log --clear
SELECT shipment_id, order_id, status, carrier, products, tracking_url FROM gcommerce_shipments WHERE order_id = 1007;
\! $SIMCTL log-clear
-- an item the order does not hold: the API's 400
INSERT INTO gcommerce_shipments (order_id, products, carrier) VALUES (1002, '{"2756910010": 1}', 'ups');
\echo :LAST_ERROR_SQLSTATE
-- products is required: the error comes before any request
INSERT INTO gcommerce_shipments (order_id, carrier) VALUES (1002, 'ups');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- shipment status -> PUT /shipments/:id
UPDATE gcommerce_shipments SET status = 'S' WHERE shipment_id = 303;
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce shipments --id 303 | grep -o '"status":"[A-Z]"'
UPDATE gcommerce_shipments SET carrier = 'dhl' WHERE shipment_id = 303;
\echo :LAST_ERROR_SQLSTATE
-- DELETE -> DELETE /shipments/:id
DELETE FROM gcommerce_shipments WHERE shipment_id = 304;
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce shipments --id 304
-- Syncing stock levels from Glance (the vendor's product codes are its Glance SKUs): one UPDATE ... FROM.
-- Glance's inventory is read (its pages in parallel), G-Commerce's products once, and every changed
-- amount goes in one bulk request
\! $SIMCTL log-clear
UPDATE gcommerce_products g SET amount = s.stock
FROM (SELECT product_sku, floor(sum(quantity))::int AS stock FROM glance_inventory GROUP BY product_sku) s
WHERE g.product_code = s.product_sku AND g.amount IS DISTINCT FROM s.stock;
\! $SIMCTL log --clear --api gcommerce | awk '/^    \[/ { print "    [" gsub(/"product_id"/, "") " items]"; next } { print }'
\! $SIMCTL log --clear --api glance --sort
SELECT g.product_code, g.amount, (SELECT floor(sum(quantity)) FROM glance_inventory i WHERE i.product_id = 1) AS glance_stock
FROM gcommerce_products g WHERE g.product_id = 217001;
\! $SIMCTL log-clear
-- run again, nothing differs: no bulk request at all
UPDATE gcommerce_products g SET amount = s.stock
FROM (SELECT product_sku, floor(sum(quantity))::int AS stock FROM glance_inventory GROUP BY product_sku) s
WHERE g.product_code = s.product_sku AND g.amount IS DISTINCT FROM s.stock;
\! $SIMCTL log --clear --api gcommerce
\! $SIMCTL log-clear
