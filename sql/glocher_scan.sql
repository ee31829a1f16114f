-- Reading Glocher tables: the token, the shop, paging, cart routing by status, types.
\! $SIMCTL reset
-- every table of the glocher section, with its columns
SELECT c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relkind = 'f' AND c.relname LIKE 'glocher\_%' GROUP BY c.relname ORDER BY c.relname;
-- the first request of a session logs in (a POST body, password masked by the simulator's log);
-- the shop comes from shop_id: getShop?id=42
SELECT id, name, user_id, city, full_address, lat, lng, published, currency_id, shipping_enabled,
       shipping_free_from, jsonb_array_length(shipping_rates) AS rates, raw->>'open_from_1' AS opens
FROM glocher_shop;
\! $SIMCTL log --clear
SELECT * FROM glocher_categories ORDER BY id;
\! $SIMCTL log --clear
-- the whole stock: 2,345 products, 1000 a page, so three pages (the short third one ends the list)
SELECT count(*) AS products, count(qty) AS tracked, count(*) FILTER (WHERE qty IS NULL) AS not_tracked,
       min(id), max(id), count(*) FILTER (WHERE NOT published) AS unpublished,
       count(*) FILTER (WHERE tags @> '{bio}') AS bio
FROM glocher_stock;
\! $SIMCTL log --clear
-- id = → getStockByProduct (the shop named shop_id there); types, tags, external id, -1 → NULL
SELECT id, shop_id, category_id, name, price, weight, size, color, published, qty, image_url, tags, external_id
FROM glocher_stock WHERE id IN (10001, 10010);
\! $SIMCTL log --clear
-- raw keeps the API's own -1
SELECT raw->'qty' AS raw_qty FROM glocher_stock WHERE id = 10010;
\! $SIMCTL log --clear
-- a product that does not exist: the API answers ERR "id: Product not found" (HTTP 200), which is zero rows
SELECT id FROM glocher_stock WHERE id = 99999;
\! $SIMCTL log --clear --status
-- LIMIT stops paging early: one page (the page size is the API's)
SELECT id, name FROM glocher_stock LIMIT 3;
\! $SIMCTL log --clear
-- ... but ORDER BY needs every row first (the API cannot sort)
SELECT id, name FROM glocher_stock ORDER BY price DESC, id LIMIT 3;
\! $SIMCTL log --clear
-- carts: status = 'pending' reads getPendingCarts only
SELECT id, status, package_status, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS') AS created_at
FROM glocher_carts WHERE status = 'pending' ORDER BY id;
\! $SIMCTL log --clear
-- status IN ('paid', 'cash') reads getPaidCarts only
SELECT status, count(*) FROM glocher_carts WHERE status IN ('paid', 'cash') GROUP BY status ORDER BY status;
\! $SIMCTL log --clear
-- 'paid' alone also reads getPaidCarts (PostgreSQL drops the cash carts)
SELECT count(*) FROM glocher_carts WHERE status = 'paid';
\! $SIMCTL log --clear
SELECT count(*) FROM glocher_carts WHERE status = 'completed';
\! $SIMCTL log --clear
-- no status condition: all three lists
SELECT status, count(*), sum(total) FROM glocher_carts GROUP BY status ORDER BY status;
\! $SIMCTL log --clear
-- a status no list holds sends nothing
SELECT count(*) FROM glocher_carts WHERE status = 'refunded';
\! $SIMCTL log --clear
-- id = → getCart; timestamps "YYYY-MM-DD HH:mm:ss", 1/0 flags, jsonb products, NULLs
SELECT id, user_id, shop_id, status, products, created_at, pg_typeof(created_at) AS created_type, subtotal,
       shipping_cost, total, currency_id, comment, shipping, shipping_data, package_status, package_id, pickup,
       pickup_time, pickup_address, pickup_lat, user_rating, billing_name
FROM glocher_carts WHERE id = 509;
SELECT id, shipping, shipping_data, pickup, pickup_address, pickup_lat, pickup_lng, user_rating
FROM glocher_carts WHERE id IN (522, 523) ORDER BY id;
\! $SIMCTL log --clear
-- a cart that does not exist is zero rows
SELECT id FROM glocher_carts WHERE id = 999;
\! $SIMCTL log --clear
-- EXPLAIN shows each request; neither the token nor the password
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glocher_carts;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glocher_carts WHERE status IN ('paid', 'cash');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glocher_carts WHERE id = 509;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glocher_stock WHERE id IN (10001, 10002);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glocher_stock WHERE qty > 10;
