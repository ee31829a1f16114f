-- Glocher: the token (one login per session, a new one when the API says it expired), the
-- shop_id option, ERR answers with HTTP 200, and secrets kept out of errors and EXPLAIN.
\! $SIMCTL reset
-- one login, then the token is reused by every statement of the session
SELECT count(*) FROM glocher_categories;
SELECT count(*) FROM glocher_carts WHERE status = 'pending';
\! $SIMCTL log --clear
\! $SIMCTL state glocher tokens
-- the API expires the token mid-scan: after three calls it answers ERR [["token", "Token expired"]]
-- with HTTP 200; the scan logs in again once and asks for the same page again
\! $SIMCTL config glocher.token_ttl_requests 3
SELECT count(*) FROM glocher_stock;
\! $SIMCTL log --clear --status
\! $SIMCTL state glocher tokens
-- ... and mid-write: the rejected updateStock (not applied) is sent again with the new token
UPDATE glocher_stock SET qty = 11 WHERE id = 10001;
\! $SIMCTL log --clear --status
SELECT qty FROM glocher_stock WHERE id = 10001;
\! $SIMCTL log-clear
\! $SIMCTL config glocher.token_ttl_requests 0
-- a token the API no longer knows (the simulator was reset): one new login, then on
\! $SIMCTL reset
SELECT name FROM glocher_shop;
\! $SIMCTL log --clear
-- wrong credentials: the login's ERR (HTTP 200) is an authorization error; no password in it
\! $SIMCTL reset
\! $SIMCTL config glocher.password something-else
SELECT name FROM glocher_shop;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
DO $$
DECLARE msg text; det text; hnt text;
BEGIN
  PERFORM name FROM glocher_shop;
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RAISE NOTICE 'password shown: %, token shown: %',
    concat(msg, det, hnt) LIKE '%glocher-test-pass%', concat(msg, det, hnt) LIKE '%token=%';
END $$;
\! $SIMCTL reset
-- a shop this user has no access to: ERR with HTTP 200 → 22023, with the API's [field, message]
CREATE FOREIGN TABLE glocher_other_shop (id bigint, name text) SERVER glocher OPTIONS (resource 'shop', shop_id '43');
SELECT * FROM glocher_other_shop;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
DROP FOREIGN TABLE glocher_other_shop;
-- shop_id: required, and a whole number
CREATE SERVER glocher_noshop FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glocher', base_url 'http://127.0.0.1:1/');
CREATE USER MAPPING FOR CURRENT_USER SERVER glocher_noshop OPTIONS (email 'a@b.c', password 'p');
CREATE FOREIGN TABLE glocher_noshop_stock (id bigint) SERVER glocher_noshop OPTIONS (resource 'stock');
SELECT * FROM glocher_noshop_stock;
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER glocher_noshop OPTIONS (ADD shop_id 'shop-42');
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER glocher_noshop OPTIONS (ADD shop_id '042');
ALTER SERVER glocher_noshop OPTIONS (ADD shop_id '42');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glocher_noshop_stock;
-- the table's shop_id wins over the server's
ALTER FOREIGN TABLE glocher_noshop_stock OPTIONS (ADD shop_id '7');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glocher_noshop_stock;
-- the password is a secret: only in a user mapping, and required there
ALTER SERVER glocher_noshop OPTIONS (ADD password 'p');
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR CURRENT_USER SERVER glocher_noshop OPTIONS (DROP password);
SELECT * FROM glocher_noshop_stock;
\echo :LAST_ERROR_SQLSTATE
DROP SERVER glocher_noshop CASCADE;
-- the API failing (HTTP 503) is retried, then reported (HV00N)
\! $SIMCTL fault --api glocher --path-prefix /getCategories --status 503 --count 1
SELECT count(*) FROM glocher_categories;
\! $SIMCTL log --clear --status
\! $SIMCTL fault --api glocher --path-prefix /getCategories --status 503 --count 3
SELECT count(*) FROM glocher_categories;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log-clear
-- no secret in any plan text
DO $$
DECLARE l text; n int := 0;
BEGIN
  FOR l IN EXPLAIN (VERBOSE) UPDATE glocher_stock SET qty = 1 WHERE id IN (SELECT id FROM glocher_stock) LOOP
    IF l LIKE '%glocher-test-pass%' OR l LIKE '%token%' OR l LIKE '%api@glocher.test%' THEN n := n + 1; END IF;
  END LOOP;
  FOR l IN EXPLAIN (VERBOSE) SELECT * FROM glocher_carts c JOIN glocher_shop s ON s.id = c.shop_id LOOP
    IF l LIKE '%glocher-test-pass%' OR l LIKE '%token=%' OR l LIKE '%api@glocher.test%' THEN n := n + 1; END IF;
  END LOOP;
  RAISE NOTICE 'plan lines showing a secret: %', n;
END $$;
-- EXPLAIN ANALYZE counts the requests (the login is made before, by this session's first statement)
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM glocher_stock;
\! $SIMCTL log --clear
