-- Glocher writes: updateStock (batched), cart status changes; the requests and the remote state.
\! $SIMCTL reset
-- INSERT → updateStock {id: shop, data: [item]}; RETURNING gives the id the API assigned.
-- qty NULL is sent as stock_qty -1 ("not tracked"), published as 1/0, tags as an array
INSERT INTO glocher_stock (name, description, category_id, price, weight, size, color, published, tags, external_id)
VALUES ('Rye Bread', 'Dark rye', 1, 3.20, 0.7, 'L', 'dark', true, '{bio,new}', 'glance-201')
RETURNING id, shop_id, name, price, qty, published, tags, external_id;
\! $SIMCTL log --clear
\! $SIMCTL state glocher stock --id 12346
-- several rows with RETURNING: one request a row (PostgreSQL takes RETURNING rows one at a time)
INSERT INTO glocher_stock (name, price, weight, qty, external_id)
VALUES ('Pretzel', 1.10, 0.1, 40, 'glance-202'), ('Focaccia', 5, 0.5, 0, 'glance-203')
RETURNING id, name, qty, external_id;
\! $SIMCTL log --clear
-- INSERT ... SELECT without RETURNING: up to batch_size (default 1000) items a request
INSERT INTO glocher_stock (name, price, weight, qty, external_id)
SELECT 'Bulk bun ' || g, 0.5 + g / 100.0, 0.05, g % 7, 'bulk-' || g FROM generate_series(1, 2000) g;
-- two requests of 1000 items
\! $SIMCTL log --clear | awk '/^    /{print gsub(/_external_id/, "")}'
SELECT count(*) AS products, max(id) AS last_id FROM glocher_stock;
\! $SIMCTL log-clear
\! $SIMCTL state glocher stock --external-id bulk-2000
-- batch_size on the table lowers the batch
ALTER FOREIGN TABLE glocher_stock OPTIONS (ADD batch_size '2');
INSERT INTO glocher_stock (name, price, weight, external_id)
SELECT 'Small batch ' || g, 2, 0.2, 'small-' || g FROM generate_series(1, 5) g;
\! $SIMCTL log --clear
ALTER FOREIGN TABLE glocher_stock OPTIONS (DROP batch_size);
-- UPDATE → updateStock with the row's id, its current price and weight (required by the API) and the change
UPDATE glocher_stock SET qty = 7 WHERE id = 10001;
\! $SIMCTL log --clear
\! $SIMCTL state glocher stock --id 10001
-- SET qty = NULL is stock_qty -1; several rows go in one request
UPDATE glocher_stock SET qty = NULL, published = false WHERE id IN (10001, 10002, 10003);
\! $SIMCTL log --clear
SELECT id, qty, published, raw->'qty' AS raw_qty FROM glocher_stock WHERE id IN (10001, 10002, 10003) ORDER BY id;
\! $SIMCTL log-clear
-- a price change of every product of a category: one list scan, then batches
UPDATE glocher_stock SET price = price + 1 WHERE category_id = 6 AND id <= 10060;
\! $SIMCTL log --clear
-- UPDATE with RETURNING: one request a row, the row as the API stored it
UPDATE glocher_stock SET qty = qty + 5, tags = '{fresh}' WHERE id = 10004 RETURNING id, qty, tags, price, weight;
\! $SIMCTL log --clear
-- what cannot be written fails before any request, naming what can change
UPDATE glocher_stock SET image_url = 'https://example.com/x.jpg' WHERE id = 10001;
\echo :LAST_ERROR_SQLSTATE
UPDATE glocher_stock SET shop_id = 43 WHERE id = 10001;
-- the API has no delete
DELETE FROM glocher_stock WHERE id = 10001;
\echo :LAST_ERROR_SQLSTATE
-- price and weight are required by updateStock
INSERT INTO glocher_stock (name, weight) VALUES ('No price', 1);
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- an item the API rejects: ERR with HTTP 200 fails the statement with its [field, message] pairs;
-- the API checks every item first, so nothing of that request was applied
INSERT INTO glocher_stock (name, price, weight, category_id)
VALUES ('Good', 1, 1, 1), ('Bad category', 1, 1, 99);
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
\! $SIMCTL state glocher stock --name Good
-- carts: SET status = 'completed' → updateCartStatus (the RETURNING row is the API's answer)
UPDATE glocher_carts SET status = 'completed' WHERE id = 509 RETURNING id, status, package_status;
\! $SIMCTL log --clear
\! $SIMCTL state glocher carts --id 509 | grep -o '"status":"[a-z]*"'
-- SET package_status = 'ready' → updateCartPackageStatus, one request per cart
UPDATE glocher_carts SET package_status = 'ready' WHERE status = 'cash';
\! $SIMCTL log --clear
SELECT id, status, package_status FROM glocher_carts WHERE status = 'cash' ORDER BY id;
\! $SIMCTL log-clear
-- completing every paid cart whose package is ready
UPDATE glocher_carts SET status = 'completed' WHERE status = 'paid' AND package_status = 'ready';
\! $SIMCTL log --clear
-- a pending cart cannot be completed: the API's ERR (HTTP 200) reaches the user
UPDATE glocher_carts SET status = 'completed' WHERE id = 501;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- any other change fails at planning and names what can change
UPDATE glocher_carts SET status = 'paid' WHERE id = 510;
\echo :LAST_ERROR_SQLSTATE
UPDATE glocher_carts SET comment = 'thanks' WHERE id = 510;
UPDATE glocher_carts SET status = 'completed', package_status = 'ready' WHERE id = 510;
DELETE FROM glocher_carts WHERE id = 510;
INSERT INTO glocher_carts (id) VALUES (1);
INSERT INTO glocher_categories (name) VALUES ('x');
\! $SIMCTL log --clear
-- a value only known at execution is checked then
PREPARE set_status(text) AS UPDATE glocher_carts SET status = $1 WHERE id = 510;
EXECUTE set_status('paid');
\echo :LAST_ERROR_SQLSTATE
DEALLOCATE set_status;
\! $SIMCTL log --clear
