-- Option validation: unknown options, secrets in the wrong place, values.
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
-- unknown option: the hint lists the valid ones
CREATE SERVER bad1 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', page_sise '10');
\echo :LAST_ERROR_SQLSTATE
-- api is required and must be known
CREATE SERVER bad2 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (base_url 'https://api.glance.co.il');
CREATE SERVER bad3 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'shopify');
-- secrets only in user mappings
CREATE SERVER bad4 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', api_key 'k');
-- https required, except for loopback hosts
CREATE SERVER bad5 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url 'http://api.glance.co.il');
CREATE SERVER ok5 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url 'http://localhost:1/x');
-- credentials never belong in a URL
CREATE SERVER bad6 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url 'https://user:pw@api.glance.co.il');
-- numeric options
CREATE SERVER bad7 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', page_size '0');
CREATE SERVER bad8 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', timeout_ms 'soon');
CREATE SERVER bad8b FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', max_concurrency '17');
ALTER SERVER ok5 OPTIONS (ADD rate_limit_per_minute '0', ADD cache_ttl_ms '1000');
-- user mapping options: only secrets
CREATE USER MAPPING FOR CURRENT_USER SERVER ok5 OPTIONS (api_key 'k', page_size '5');
CREATE USER MAPPING FOR CURRENT_USER SERVER ok5 OPTIONS (api_key 'k');
-- table options: resource and per-table settings, not api
CREATE FOREIGN TABLE bad_t (id bigint) SERVER ok5 OPTIONS (api 'glance');
CREATE FOREIGN TABLE ok_t (id bigint) SERVER ok5 OPTIONS (resource 'inventory', page_size '10');
-- the wrapper itself takes no options
ALTER FOREIGN DATA WRAPPER commerce_fdw OPTIONS (ADD page_size '1');
-- secrets never show up in EXPLAIN or errors: a wrong key
CREATE SERVER glance_badkey FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER glance_badkey OPTIONS (api_key 'sekrit-wrong-key');
CREATE FOREIGN TABLE badkey_inventory (id bigint) SERVER glance_badkey OPTIONS (resource 'inventory');
SELECT * FROM badkey_inventory LIMIT 1;
\echo :LAST_ERROR_SQLSTATE
-- a user mapping without the secret the API needs
CREATE SERVER glance_nokey FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glance', base_url :'glance_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER glance_nokey;
CREATE FOREIGN TABLE nokey_inventory (id bigint) SERVER glance_nokey OPTIONS (resource 'inventory');
SELECT * FROM nokey_inventory LIMIT 1;
\echo :LAST_ERROR_SQLSTATE
DROP SERVER ok5, glance_badkey, glance_nokey CASCADE;
