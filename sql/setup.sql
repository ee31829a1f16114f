-- Servers and user mappings shared by the tests. The simulator's address comes
-- from the environment (scripts/test.sh starts it on a free port). Requests go
-- one at a time (max_concurrency 1) so that the request logs keep their order;
-- glance_scan shows pages fetched in parallel.
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
CREATE SERVER glance FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '2', max_concurrency '1',
           remote_estimate 'false');
CREATE USER MAPPING FOR CURRENT_USER SERVER glance OPTIONS (api_key 'glance-test-key');
IMPORT FOREIGN SCHEMA glance FROM SERVER glance INTO public;
-- every table of the glance section, with its columns
SELECT c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relkind = 'f' GROUP BY c.relname ORDER BY c.relname;
SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = 'glance_inventory'::regclass;
-- Extend: the base URL carries the host and the client segment (ACME)
\set extend_url :sim_url /extend/RESTAPI/v1_0/ACME
CREATE SERVER extend FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'extend', base_url :'extend_url', rate_limit_per_minute '0', max_retries '2', max_concurrency '1',
           remote_estimate 'false');
CREATE USER MAPPING FOR CURRENT_USER SERVER extend OPTIONS (username 'extend-user', password 'extend-pass');
IMPORT FOREIGN SCHEMA extend FROM SERVER extend INTO public;
-- Glocher: the shop from shop_id; a token from auth (email and password, sent in a POST body)
\set glocher_url :sim_url /glocher
CREATE SERVER glocher FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glocher', base_url :'glocher_url', shop_id '42', max_retries '2', max_concurrency '1',
           remote_estimate 'false');
CREATE USER MAPPING FOR CURRENT_USER SERVER glocher
  OPTIONS (email 'api@glocher.test', password 'glocher-test-pass');
IMPORT FOREIGN SCHEMA glocher FROM SERVER glocher INTO public;
-- G-Commerce: Basic auth with the vendor's email and API key; no client-side limit in the tests
-- (gcommerce_ratelimit sets its own servers), and no request budget: the declared sizes (1,000
-- products) would make the tests' detail reads look too costly (bi tests the default)
\set gcommerce_url :sim_url /gcommerce
CREATE SERVER gcommerce FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url :'gcommerce_url', rate_limit_per_minute '0', max_retries '2', max_concurrency '1',
           max_requests '100000', remote_estimate 'false');
CREATE USER MAPPING FOR CURRENT_USER SERVER gcommerce
  OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
IMPORT FOREIGN SCHEMA gcommerce FROM SERVER gcommerce INTO public;
