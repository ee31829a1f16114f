-- G-Commerce allows 10 requests a minute. The client-side budget spaces requests so that the API need not
-- answer 429; a 429 that comes anyway is waited out and retried; preloaded, the budget is shared by every
-- session. The limits are scaled up here (30 and 120 a minute) so that the test takes seconds.
\! $SIMCTL reset
\getenv sim_url SIM_URL
\set gcommerce_url :sim_url /gcommerce
-- the test cluster preloads the library, so budgets live in shared memory
SELECT current_setting('shared_preload_libraries') LIKE '%commerce_fdw%' AS budgets_shared;
-- 1. A correctly configured server: the API takes 30 a minute (2 at once), the server's budget is 30 a
-- minute. Requests go 2 s apart, the API never says 429, and the statement tells once that it waits.
\! $SIMCTL config gcommerce.rate_limit_per_minute 30
\! $SIMCTL config gcommerce.rate_limit_burst 2
CREATE SERVER gc_paced FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url :'gcommerce_url', rate_limit_per_minute '30');
CREATE USER MAPPING FOR CURRENT_USER SERVER gc_paced OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
CREATE FOREIGN TABLE paced_products (product_id bigint, product text) SERVER gc_paced OPTIONS (resource 'products');
SELECT product_id, product FROM paced_products WHERE product_id IN (217001, 217002, 217003) ORDER BY product_id;
\! $SIMCTL log --clear --status
-- 2. A server whose budget is off (rate_limit_per_minute 0) against an API taking 30 a minute, one at a
-- time: the API answers 429 with Retry-After; the request waits that long, is sent again, and the
-- statement succeeds.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 30
\! $SIMCTL config gcommerce.rate_limit_burst 1
CREATE SERVER gc_eager FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url :'gcommerce_url', rate_limit_per_minute '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gc_eager OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
CREATE FOREIGN TABLE eager_products (product_id bigint, product text) SERVER gc_eager OPTIONS (resource 'products');
SELECT commerce_fdw_stats_reset();
SELECT product_id, product FROM eager_products WHERE product_id IN (217001, 217002, 217003) ORDER BY product_id;
\! $SIMCTL log --clear --status
SELECT server, requests, retries, http_429, rate_limit_wait_ms >= 4000 AS waited FROM commerce_fdw_stats()
WHERE server = 'gc_eager';
-- 3. Two sessions, one budget: the API takes 120 a minute (2 at once), the server's budget is 120 a minute.
-- Both sessions read 4 products at the same time; their 8 requests go 0.5 s apart in all, with no 429.
-- (Each with a budget of its own, they would send two requests every 0.5 s and meet 429s.)
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 120
\! $SIMCTL config gcommerce.rate_limit_burst 2
CREATE SERVER gc_shared FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url :'gcommerce_url', rate_limit_per_minute '120');
CREATE USER MAPPING FOR CURRENT_USER SERVER gc_shared OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
CREATE FOREIGN TABLE shared_products (product_id bigint, product text) SERVER gc_shared OPTIONS (resource 'products');
\setenv PGDATABASE :DBNAME
\! rm -f /tmp/gcommerce_shared_$PGPORT.out; ("$(pg_config --bindir)/psql" -X -q -A -t -c "SELECT 'other session: ' || count(*) FROM shared_products WHERE product_id IN (217001, 217002, 217003, 217004)" > /tmp/gcommerce_shared_$PGPORT.tmp 2>&1; mv /tmp/gcommerce_shared_$PGPORT.tmp /tmp/gcommerce_shared_$PGPORT.out) &
SELECT 'this session: ' || count(*) FROM shared_products WHERE product_id IN (217005, 217006, 217007, 217008);
\! while [ ! -f /tmp/gcommerce_shared_$PGPORT.out ]; do sleep 0.1; done; cat /tmp/gcommerce_shared_$PGPORT.out; rm -f /tmp/gcommerce_shared_$PGPORT.out
\! python3 -c "import json, os, urllib.request as u; e = json.load(u.urlopen(os.environ['SIM_URL'] + '/_sim/log?api=gcommerce'))['entries']; print('requests:', len(e), '- spread over 3 s or more:', e[-1]['time'] - e[0]['time'] >= 3.0)"
\! $SIMCTL log --clear --status --sort
-- 4. The default budget is the documented 10 a minute: a second request waits 6 s. The wait is announced,
-- and a cancel (here statement_timeout) ends it at once.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
CREATE SERVER gc_default FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'gcommerce', base_url :'gcommerce_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER gc_default OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
CREATE FOREIGN TABLE default_products (product_id bigint, product text) SERVER gc_default OPTIONS (resource 'products');
SET statement_timeout = '1s';
SELECT product_id FROM default_products WHERE product_id IN (217001, 217002);
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\! $SIMCTL log --clear --status
SET client_min_messages = warning;
DROP SERVER gc_paced, gc_eager, gc_shared, gc_default CASCADE;
RESET client_min_messages;
