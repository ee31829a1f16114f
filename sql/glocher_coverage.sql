-- Glocher coverage: the shop's id and every documented shop field, a name required on insert, image data and
-- image removal, cart lists without a page parameter.
\! $SIMCTL reset
-- getShop's data has no id: the column is the shop_id option
SELECT id, name, raw ? 'id' AS remote_has_id FROM glocher_shop;
\! $SIMCTL log --clear
SELECT id, shop_category_id, shipping_rate_base, shipping_required, pickup_time_required, paypal_email,
       user_ratings_sum, user_ratings_count, open_1, open_from_1, open_until_1, open_6, open_from_6, open_until_6,
       open_7, open_from_7, open_until_7
FROM glocher_shop;
\! $SIMCTL log-clear
-- a new product needs a name (updateStock: "optional on update only"): checked before any request, SQLSTATE 23502
INSERT INTO glocher_stock (price, weight) VALUES (1, 1);
\echo :LAST_ERROR_SQLSTATE
-- in a batch too: nothing of the statement is sent
INSERT INTO glocher_stock (name, price, weight, external_id)
SELECT CASE WHEN g = 3 THEN NULL ELSE 'Bun ' || g END, 1, 0.1, 'nameless-' || g FROM generate_series(1, 5) g;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
\! $SIMCTL state glocher stock --external-id nameless-1
-- an UPDATE may leave it out: it sends only what changes (with price and weight)
UPDATE glocher_stock SET description = 'Still named' WHERE id = 10003;
\! $SIMCTL log --clear
-- image_data (_imageData, a data URL) and delete_image (_deleteImage) are written, never read
INSERT INTO glocher_stock (name, price, weight, image_data, external_id)
VALUES ('Pie', 3, 0.5, 'data:image/jpg;base64,/9j/4AAQSkZJRg==', 'pie-1');
\! $SIMCTL log --clear
SELECT name, image_url, image_data, delete_image FROM glocher_stock WHERE id = 12346;
\! $SIMCTL log-clear
\! $SIMCTL state glocher stock --id 10002 | grep -o '"_imageUrl":[^,]*'
UPDATE glocher_stock SET delete_image = true WHERE id = 10002;
\! $SIMCTL log --clear
\! $SIMCTL state glocher stock --id 10002 | grep -o '"_imageUrl":[^,]*'
-- cart lists come 1000 a page and are paged like getStock (page=1, then on until a short page)
SELECT status, count(*) FROM glocher_carts GROUP BY status ORDER BY status;
\! $SIMCTL log --clear
SELECT id, status FROM glocher_carts WHERE status = 'pending' ORDER BY id LIMIT 2;
\! $SIMCTL log --clear
-- 1,100 completed carts: page 1 (1000 carts, count 1100 is the total), page 2 (100): none is cut
\! $SIMCTL config glocher.extra_completed_carts 1090
SELECT count(*) FROM glocher_carts WHERE status = 'completed';
\! $SIMCTL log --clear
SELECT count(*), count(DISTINCT id), min(id), max(id) FROM glocher_carts WHERE status = 'completed';
\! $SIMCTL log-clear
-- an API that ignores page answers the first page again: the scan fails loudly, naming what it could not read
\! $SIMCTL config glocher.cart_pages ignored
SELECT count(*) FROM glocher_carts WHERE status = 'completed';
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- a list within one page is one request, as before
SELECT count(*) FROM glocher_carts WHERE status = 'pending';
\! $SIMCTL log --clear
\! $SIMCTL config glocher.cart_pages honored
-- 2,000: the second page is full, but count (2000, a total) ends the listing there: no third request
\! $SIMCTL config glocher.extra_completed_carts 1990
SELECT count(*) FROM glocher_carts WHERE status = 'completed';
\! $SIMCTL log --clear
-- an INSERT carrying an existing id is an update of that product (updateStock: "If valid ID providet, the
-- product will be updated"): a name is not needed then
INSERT INTO glocher_stock (id, price, weight, qty) VALUES (10005, 2.5, 0.3, 7) RETURNING id, name, price, qty;
\! $SIMCTL log --clear
\! $SIMCTL state glocher stock --id 10005 | grep -o '"\(name\|price\|qty\)":[^,]*'
