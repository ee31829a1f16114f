-- Secrets outside the catalog: commerce_fdw.secret_dir (postgresql.conf only) and the user-mapping option
-- secret 'name' read the mapping's secret options from <secret_dir>/<name>, one key=value a line. The file
-- must belong to the server's OS user and be unreadable to group and others. A dump holds the name only.
\! $SIMCTL reset
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
\setenv PGDATABASE :DBNAME
\set dir /tmp/commerce_fdw_test_secrets
\set file :dir /glance_key
\! rm -rf /tmp/commerce_fdw_test_secrets; mkdir -m 700 /tmp/commerce_fdw_test_secrets; if [ "$(id -u)" -eq 0 ]; then chown postgres /tmp/commerce_fdw_test_secrets; fi
CREATE SERVER sec_glance FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '0');
-- names are [A-Za-z0-9_-]+: no paths
CREATE USER MAPPING FOR CURRENT_USER SERVER sec_glance OPTIONS (secret '../glance_key');
\echo :LAST_ERROR_SQLSTATE
-- a file or inline secrets, not both
CREATE USER MAPPING FOR CURRENT_USER SERVER sec_glance OPTIONS (secret 'glance_key', api_key 'inline');
\echo :LAST_ERROR_SQLSTATE
-- "secret" is a user-mapping option only
ALTER SERVER sec_glance OPTIONS (ADD secret 'glance_key');
\echo :LAST_ERROR_SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER sec_glance OPTIONS (secret 'glance_key');
ALTER USER MAPPING FOR CURRENT_USER SERVER sec_glance OPTIONS (ADD api_key 'inline');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE sec_inventory (id bigint, quantity numeric) SERVER sec_glance OPTIONS (resource 'inventory');
-- secret_dir not set
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- it is set in postgresql.conf (here ALTER SYSTEM) and reloaded, never by SET
SET commerce_fdw.secret_dir = '/tmp';
\echo :LAST_ERROR_SQLSTATE
ALTER SYSTEM SET commerce_fdw.secret_dir = :'dir';
SELECT pg_reload_conf();
\! for i in $(seq 1 100); do [ "$("$(pg_config --bindir)/psql" -X -A -t -c 'SHOW commerce_fdw.secret_dir')" = /tmp/commerce_fdw_test_secrets ] && break; sleep 0.1; done
SHOW commerce_fdw.secret_dir;
-- no such file
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- the server writes the file (so it is the server user's) and it is made private
COPY (SELECT '# the glance key' UNION ALL SELECT 'api_key=glance-test-key') TO :'file';
\! chmod 600 /tmp/commerce_fdw_test_secrets/glance_key
\! stat -c '%U %a' /tmp/commerce_fdw_test_secrets/glance_key
SELECT id, quantity FROM sec_inventory WHERE id = 1;
\! $SIMCTL log --clear --status
-- readable by the group: refused
\! chmod 640 /tmp/commerce_fdw_test_secrets/glance_key
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- another owner (the file readable, so that the server can tell): refused
\! chmod 644 /tmp/commerce_fdw_test_secrets/glance_key; if [ "$(id -u)" -eq 0 ]; then chown nobody /tmp/commerce_fdw_test_secrets/glance_key; else sudo chown nobody /tmp/commerce_fdw_test_secrets/glance_key; fi
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
\! rm -f /tmp/commerce_fdw_test_secrets/glance_key
-- what the file holds is checked, and no value of it is ever shown
COPY (SELECT 'api_key glance-test-key') TO :'file';
\! chmod 600 /tmp/commerce_fdw_test_secrets/glance_key
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
\! rm -f /tmp/commerce_fdw_test_secrets/glance_key
COPY (SELECT 'apikey=glance-test-key') TO :'file';
\! chmod 600 /tmp/commerce_fdw_test_secrets/glance_key
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
\! rm -f /tmp/commerce_fdw_test_secrets/glance_key
COPY (SELECT 'api_key=') TO :'file';
\! chmod 600 /tmp/commerce_fdw_test_secrets/glance_key
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- a wrong key in the file is the API's 401, as inline
\! rm -f /tmp/commerce_fdw_test_secrets/glance_key
COPY (SELECT 'api_key=wrong-key') TO :'file';
\! chmod 600 /tmp/commerce_fdw_test_secrets/glance_key
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
-- a dump holds the name of the file, never the secret
\! "$(pg_config --bindir)/pg_dump" --schema-only | grep -A2 'CREATE USER MAPPING .* SERVER sec_glance'
-- (the only copy of the key in the dump is the inline mapping of the tests' own glance server)
\! "$(pg_config --bindir)/pg_dump" --schema-only | grep -B1 'glance-test-key'
-- back to unset
ALTER SYSTEM RESET commerce_fdw.secret_dir;
SELECT pg_reload_conf();
\! for i in $(seq 1 100); do [ -z "$("$(pg_config --bindir)/psql" -X -A -t -c 'SHOW commerce_fdw.secret_dir')" ] && break; sleep 0.1; done
\! rm -rf /tmp/commerce_fdw_test_secrets
DROP SERVER sec_glance CASCADE;
