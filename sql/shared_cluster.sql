-- Trust in a shared cluster (1.2): a write succeeds only on the answer that proves it (a 2xx alone
-- does not); a remote row met twice in a statement is written once; racing natural-key inserts
-- create once. Each case shows the error, the requests sent and the remote state.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
CREATE FUNCTION show_error(stmt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text;
BEGIN
  EXECUTE stmt;
  RAISE NOTICE 'no error';
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                          hnt = PG_EXCEPTION_HINT;
  RAISE NOTICE E'%: %\nDETAIL: %', st, msg, det || CASE WHEN hnt <> '' THEN E'\nHINT: ' || hnt ELSE '' END;
END $$;

-- 1. Glance adjust answered 200 with a failure the API does not document: no data.adjusted, so
-- the row's outcome is unknown (never UPDATE 1 with a locally computed quantity).
SELECT id, quantity FROM glance_inventory WHERE id IN (1, 2, 3) ORDER BY id;
\! $SIMCTL log-clear
\! $SIMCTL read-fault body --api glance --method POST --path-prefix /inventory/adjust --value '{"error":"insufficient stock","status":"FAILED"}'
SELECT show_error('UPDATE glance_inventory SET quantity = quantity - 1000 WHERE id = 1 RETURNING quantity');
\! $SIMCTL log --clear --status
-- 2. An answer naming fewer actions than were sent (here 2 of 3, all applied): the rows it names
-- are applied, the other one unknown.
\! $SIMCTL read-fault short-list --api glance --method POST --path-prefix /inventory/adjust --value 2
SELECT show_error('UPDATE glance_inventory SET quantity = quantity + 1 WHERE id IN (1, 2, 3)');
\! $SIMCTL log --clear --status
SELECT id, quantity FROM glance_inventory WHERE id IN (1, 2, 3) ORDER BY id;
-- 3. Creates answered 200 {"result":"queued"}: unknown, never INSERT 0 1 with a NULL id.
\! $SIMCTL read-fault body --api glance --method POST --path-prefix /clients/create --value '{"result":"queued"}'
SELECT show_error($$INSERT INTO glance_clients (name, email) VALUES ('Queued Ltd', 'queued@example.com') RETURNING id$$);
\! $SIMCTL read-fault body --api gcommerce --method POST --path-prefix /products --value '{"result":"queued"}'
SELECT show_error($$INSERT INTO gcommerce_products (product, product_code, price, main_category)
                    VALUES ('Queued Printer', 'WDG-QUEUED', 10, 8212)$$);
\! $SIMCTL read-fault body --api extend --method POST --path-prefix /RESTAPI/v1_0/ACME/CustomerOrders --value '{"result":"queued"}'
SELECT show_error($$INSERT INTO extend_customer_orders (order_number_external, customer_number, order_rows)
                    VALUES ('GC-QUEUED', '10003', '[{"product": {"productNumber": "ART-1001"}, "salesData": {"quantity": 1}}]')$$);
-- Glocher proves a write by status OK
\! $SIMCTL read-fault body --api glocher --method POST --path-prefix /updateStock --value '{"data":[]}'
SELECT show_error($$UPDATE glocher_stock SET qty = 7 WHERE id = 10001$$);
\! $SIMCTL log --clear --status
-- the answers proving success are still a success
UPDATE glance_inventory SET quantity = quantity - 1 WHERE id IN (1, 2, 3);
SELECT id, quantity FROM glance_inventory WHERE id IN (1, 2, 3) ORDER BY id;
\! $SIMCTL log --clear --status

-- 4. A remote row met twice in one statement is written once (the first assignment wins, as for a
-- local table): duplicate join rows make one action of +1, not +2, and one DELETE.
SELECT id, quantity FROM glance_inventory WHERE id IN (1, 2) ORDER BY id;
UPDATE glance_inventory g SET quantity = g.quantity + 1 FROM (VALUES (1), (1), (2), (1)) v(x) WHERE g.id = v.x;
\! $SIMCTL log --clear --status | grep -v ' GET '
SELECT id, quantity FROM glance_inventory WHERE id IN (1, 2) ORDER BY id;
UPDATE glance_inventory g SET quantity = g.quantity - 1 FROM (VALUES (1), (1)) v(x) WHERE g.id = v.x
RETURNING g.id, g.quantity;
\! $SIMCTL log --clear --status | grep -v ' GET '
DELETE FROM glance_inventory g USING (VALUES (5), (5)) v(x) WHERE g.id = v.x;
\! $SIMCTL log --clear --status | grep -v ' GET '

-- 5. Racing natural-key inserts: four sessions run the same INSERT ... ON CONFLICT DO NOTHING at
-- once. Each lookup is slowed down (latency) so that without serialization all four would find
-- nothing and place four orders; the lookup and the create of one key are serialized across the
-- cluster, so one session places the order and the three others find it.
\setenv PGDATABASE :DBNAME
\! $SIMCTL fault --api extend --method GET --path-prefix /RESTAPI/v1_0/ACME/CustomerOrders --latency-ms 300 --count 4
\! (for i in 1 2 3 4; do "$(pg_config --bindir)/psql" -X -c "INSERT INTO extend_customer_orders (order_number_external, customer_number, order_rows) VALUES ('GC-RACE', '10003', '[{\"product\": {\"productNumber\": \"ART-1001\"}, \"salesData\": {\"quantity\": 1}}]') ON CONFLICT DO NOTHING" & done; wait) | sort | uniq -c
\! $SIMCTL state extend orders --order-number-external GC-RACE | wc -l
\! $SIMCTL log --clear --status | sort | uniq -c

-- 6. HINTs quote identifiers as SQL does, so a hint copied into psql runs as written.
CREATE SERVER "Odd ""Name""" FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'extend');
CREATE USER MAPPING FOR CURRENT_USER SERVER "Odd ""Name""" OPTIONS (username 'u', password 'p');
CREATE FOREIGN TABLE odd_products (product_number text) SERVER "Odd ""Name""" OPTIONS (resource 'products');
SELECT * FROM odd_products;
DROP SERVER "Odd ""Name""" CASCADE;
-- 7. Rate budgets belong to the server (its OID), not to its name, and start afresh when its
-- base_url changes. G-Commerce's budget here: 1 request a minute, no burst. The first count is
-- sent; a second one would wait a minute (cut by statement_timeout); the renamed server is the
-- same server with the same spent budget; with another base_url its budget is new.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
\getenv sim_url SIM_URL
\set gc_url :sim_url /gcommerce
\set gc_url_slash :gc_url /
CREATE SERVER budget_gc FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url :'gc_url', rate_limit_per_minute '1', remote_estimate 'false');
CREATE USER MAPPING FOR CURRENT_USER SERVER budget_gc OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
CREATE FOREIGN TABLE budget_products (product_id bigint) SERVER budget_gc OPTIONS (resource 'products');
SET statement_timeout = '2s';
SET client_min_messages = warning;  -- the wait's NOTICE names seconds that depend on timing
SELECT count(*) > 0 AS counted FROM budget_products;
SELECT show_error('SELECT count(*) FROM budget_products');
ALTER SERVER budget_gc RENAME TO budget_gc_renamed;
SELECT show_error('SELECT count(*) FROM budget_products');
ALTER SERVER budget_gc_renamed OPTIONS (SET base_url :'gc_url_slash');
SELECT count(*) > 0 AS counted_at_once FROM budget_products;
RESET statement_timeout;
RESET client_min_messages;
\! $SIMCTL log --clear --status
DROP SERVER budget_gc_renamed CASCADE;
