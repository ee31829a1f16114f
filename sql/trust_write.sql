-- Write outcomes: every row of a failed write statement is reported as applied, not applied or
-- unknown (sent, answer lost), with its key; a POST that may have reached the server is never sent
-- twice. Each case shows the error, the requests sent and the remote state afterwards.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
-- Short timeouts keep the lost answers fast; retries stay allowed (they must not happen to a POST).
ALTER SERVER glance OPTIONS (ADD timeout_ms '1000');
ALTER SERVER glocher OPTIONS (ADD timeout_ms '1000');
ALTER SERVER gcommerce OPTIONS (ADD timeout_ms '1000');
-- Shows a failed statement's SQLSTATE, message, detail and hint; the times in libcurl's messages
-- ("after 301 milliseconds") are masked.
CREATE FUNCTION try_write(stmt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text;
BEGIN
  EXECUTE stmt;
  RAISE NOTICE 'no error';
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                          hnt = PG_EXCEPTION_HINT;
  RAISE NOTICE E'%: %\nDETAIL: %', st, msg,
    regexp_replace(det, 'after \d+ (ms|milliseconds)', 'after N \1')
      || CASE WHEN hnt <> '' THEN E'\nHINT: ' || hnt ELSE '' END;
END $$;
-- the remote inventory before each case
CREATE TEMP TABLE inv_before (id bigint, quantity numeric);
CREATE FUNCTION snapshot_inventory() RETURNS void LANGUAGE sql AS $$
  DELETE FROM inv_before; INSERT INTO inv_before SELECT id, quantity FROM glance_inventory;
$$;
-- how each record changed since the snapshot: (change, records)
CREATE FUNCTION inventory_changes() RETURNS TABLE (first_id bigint, last_id bigint, change numeric, records bigint)
LANGUAGE sql AS $$
  SELECT min(id), max(id), change, count(*) FROM (
    SELECT g.id, g.quantity - b.quantity AS change,
           g.id - row_number() OVER (PARTITION BY g.quantity - b.quantity ORDER BY g.id) AS grp
    FROM glance_inventory g JOIN inv_before b USING (id)) s
  GROUP BY change, grp ORDER BY min(id);
$$;

-- 1. Glance adjust, 200 rows in two POST /inventory/adjust batches of 100: the second is applied,
-- then its answer never comes (hang-after-apply). Rows 101..200 are unknown, never "not applied";
-- the POST is not sent again although max_retries is 2.
SELECT snapshot_inventory();
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method POST --path-prefix /inventory/adjust --skip 1 --hang-after-apply 4000
SELECT try_write('UPDATE glance_inventory SET quantity = quantity + 1 WHERE id <= 200');
\! $SIMCTL log --clear | awk '/^    \{/ { print "    {" gsub(/"productId"/, "") " actions}"; next } { print }'
-- the remote: every record up to 200 changed exactly once (nothing lost, nothing doubled)
SELECT * FROM inventory_changes();

-- 2. The same with the connection reset after the second batch was applied (reset-after-apply).
SELECT snapshot_inventory();
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method POST --path-prefix /inventory/adjust --skip 1 --reset-after-apply
SELECT try_write('UPDATE glance_inventory SET quantity = quantity + 1 WHERE id <= 200');
\! $SIMCTL log --clear | awk '/^    \{/ { print "    {" gsub(/"productId"/, "") " actions}"; next } { print }'
SELECT * FROM inventory_changes();

-- 3. A 503 to the second batch: a 5xx to a POST is unknown (the server may have acted before
-- failing), and it is not retried. (The simulator's status faults do not apply the request.)
SELECT snapshot_inventory();
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method POST --path-prefix /inventory/adjust --skip 1 --status 503
UPDATE glance_inventory SET quantity = quantity + 1 WHERE id <= 200;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear | awk '/^    \{/ { print "    {" gsub(/"productId"/, "") " actions}"; next } { print }'
SELECT * FROM inventory_changes();

-- 4. A 400 to the second batch: refused, so its rows are not applied.
SELECT snapshot_inventory();
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method POST --path-prefix /inventory/adjust --skip 1 --status 400
UPDATE glance_inventory SET quantity = quantity - 1 WHERE id <= 200;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear | awk '/^    \{/ { print "    {" gsub(/"productId"/, "") " actions}"; next } { print }'
SELECT * FROM inventory_changes();

-- 5. One request a row: an INSERT of five products whose third request is applied and its connection
-- reset. Rows 1 and 2 are applied, row 3 (named by its SKU) unknown; rows 4 and 5 were never sent.
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method POST --path-prefix /products/create --skip 2 --reset-after-apply
SELECT try_write($$INSERT INTO glance_products (name, sku) VALUES
  ('Trust 1', 'TW-1'), ('Trust 2', 'TW-2'), ('Trust 3', 'TW-3'), ('Trust 4', 'TW-4'), ('Trust 5', 'TW-5')$$);
\! $SIMCTL log --clear
SELECT id, sku FROM glance_products WHERE sku LIKE 'TW-%' ORDER BY sku;
-- ... and a refused third row is not applied
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method POST --path-prefix /products/create --skip 2 --status 422
INSERT INTO glance_products (name, sku) VALUES ('Trust 6', 'TW-6'), ('Trust 7', 'TW-7'), ('Trust 8', 'TW-8');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
SELECT id, sku FROM glance_products WHERE sku LIKE 'TW-%' ORDER BY sku;

-- 6. Could not connect: the request never reached a server, so the row is not applied.
CREATE SERVER glance_down FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url 'http://127.0.0.1:1/glance', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER glance_down OPTIONS (api_key 'glance-test-key');
CREATE FOREIGN TABLE down_products (name text, sku text) SERVER glance_down OPTIONS (resource 'products');
SELECT try_write($$INSERT INTO down_products VALUES ('Nowhere', 'TW-9')$$);
DROP SERVER glance_down CASCADE;

-- 7. Glocher updateStock, INSERT in batches of 2 (PostgreSQL's batch insert): the second batch is
-- applied and its answer lost. Its rows are unknown, named by external_id; each product exists once.
ALTER FOREIGN TABLE glocher_stock OPTIONS (ADD batch_size '2');
\! $SIMCTL log-clear
\! $SIMCTL fault --api glocher --method POST --path-prefix /updateStock --skip 1 --hang-after-apply 4000
SELECT try_write($$INSERT INTO glocher_stock (name, price, weight, external_id)
  SELECT 'Trust loaf ' || n, 2, 0.5, 'tw-' || n FROM generate_series(1, 4) n$$);
\! $SIMCTL log --clear
SELECT external_id, count(*) FROM glocher_stock WHERE external_id LIKE 'tw-%' GROUP BY external_id ORDER BY 1;
-- UPDATE in batches of 2, the second refused (ERR in an HTTP 200 answer): not applied
\! $SIMCTL log-clear
\! $SIMCTL fault --api glocher --method POST --path-prefix /updateStock --skip 1 --status 400
UPDATE glocher_stock SET qty = 7 WHERE external_id LIKE 'tw-%';
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
SELECT external_id, qty FROM glocher_stock WHERE external_id LIKE 'tw-%' ORDER BY 1;
ALTER FOREIGN TABLE glocher_stock OPTIONS (DROP batch_size);

-- 8. G-Commerce products_bulk in batches of 2: the second batch applied, then the connection reset.
ALTER FOREIGN TABLE gcommerce_products OPTIONS (ADD batch_size '2');
SELECT product_id, amount FROM gcommerce_products WHERE product_id <= 217005 ORDER BY 1;
\! $SIMCTL log-clear
\! $SIMCTL fault --api gcommerce --method POST --path-prefix /products_bulk --skip 1 --reset-after-apply
SELECT try_write('UPDATE gcommerce_products SET amount = amount + 1 WHERE product_id <= 217005');
\! $SIMCTL log --clear
-- every product changed once, the third batch (217005) never sent
SELECT product_id, amount FROM gcommerce_products WHERE product_id <= 217005 ORDER BY 1;
ALTER FOREIGN TABLE gcommerce_products OPTIONS (DROP batch_size);

-- 9. A cancel (here statement_timeout) while a batch is in flight: PostgreSQL's own error, and
-- before it a WARNING with the rows by outcome.
ALTER SERVER glance OPTIONS (SET timeout_ms '10000');
SELECT snapshot_inventory();
\! $SIMCTL log-clear
\! $SIMCTL fault --api glance --method POST --path-prefix /inventory/adjust --hang-after-apply 3000
SET statement_timeout = '1s';
UPDATE glance_inventory SET quantity = quantity + 1 WHERE id <= 5;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\! $SIMCTL log --clear
SELECT * FROM inventory_changes();

DROP FUNCTION try_write(text), snapshot_inventory(), inventory_changes();
ALTER SERVER glance OPTIONS (DROP timeout_ms);
ALTER SERVER glocher OPTIONS (DROP timeout_ms);
ALTER SERVER gcommerce OPTIONS (DROP timeout_ms);
\! $SIMCTL fault-clear
