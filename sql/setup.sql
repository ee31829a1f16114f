-- Servers and user mappings shared by the tests. The simulator's address comes
-- from the environment (scripts/test.sh starts it on a free port).
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
CREATE SERVER glance FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER glance OPTIONS (api_key 'glance-test-key');
IMPORT FOREIGN SCHEMA glance FROM SERVER glance INTO public;
-- every table of the glance section, with its columns
SELECT c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relkind = 'f' GROUP BY c.relname ORDER BY c.relname;
SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = 'glance_inventory'::regclass;
