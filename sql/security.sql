-- The secret boundary. A role with USAGE on a server that has a PUBLIC user
-- mapping may create tables on it, but cannot make them send the server's
-- credentials anywhere else: the options that decide where a request goes
-- (api, base_url, ca_file) are server options only, and secrets live in user
-- mappings only. Then: control characters and empty secrets are refused in
-- server, table and user-mapping options.
\getenv sim_url SIM_URL
\set shared_url :sim_url /glance
\set elsewhere_url :sim_url /glocher
\! $SIMCTL log-clear
CREATE SERVER shared FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'shared_url', rate_limit_per_minute '0', max_retries '0', max_concurrency '1');
CREATE USER MAPPING FOR PUBLIC SERVER shared OPTIONS (api_key 'glance-test-key');
CREATE ROLE regress_cfdw_tenant;
GRANT USAGE ON FOREIGN SERVER shared TO regress_cfdw_tenant;
CREATE SCHEMA regress_tenant AUTHORIZATION regress_cfdw_tenant;
SET ROLE regress_cfdw_tenant;
SET search_path = regress_tenant;
-- the tenant does not see the shared key
SELECT srvname, usename, umoptions FROM pg_user_mappings WHERE srvname = 'shared';
-- the table options a table may have are accepted, and the table reads from the server's base_url
CREATE FOREIGN TABLE inv (id bigint, quantity numeric) SERVER shared
  OPTIONS (resource 'inventory', page_size '5', batch_size '5', max_concurrency '1', max_retries '0',
           timeout_ms '5000', connect_timeout_ms '5000', cache_ttl_ms '0', shop_id '7');
SELECT id FROM inv WHERE id = 1;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM inv WHERE id = 1;
-- CREATE FOREIGN TABLE with a server-only option: refused
CREATE FOREIGN TABLE stolen (id bigint) SERVER shared OPTIONS (resource 'inventory', base_url :'elsewhere_url');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE stolen (id bigint) SERVER shared OPTIONS (resource 'inventory', api 'glocher');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE stolen (id bigint) SERVER shared OPTIONS (resource 'inventory', ca_file '/tmp/my-ca.pem');
\echo :LAST_ERROR_SQLSTATE
-- ... or a secret (of any API): refused
CREATE FOREIGN TABLE stolen (id bigint) SERVER shared OPTIONS (resource 'inventory', api_key 'mine');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE stolen (id bigint) SERVER shared OPTIONS (resource 'inventory', email 'me@example.com');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE stolen (id bigint) SERVER shared OPTIONS (resource 'inventory', password 'mine');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE stolen (id bigint) SERVER shared OPTIONS (resource 'inventory', username 'me');
\echo :LAST_ERROR_SQLSTATE
-- ... or an unknown option, or any option on a column
CREATE FOREIGN TABLE stolen (id bigint) SERVER shared OPTIONS (resource 'inventory', host 'evil.example.com');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE stolen (id bigint OPTIONS (base_url 'https://evil.example.com')) SERVER shared
  OPTIONS (resource 'inventory');
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('stolen') IS NULL AS not_created;
-- ALTER FOREIGN TABLE the same way: refused
ALTER FOREIGN TABLE inv OPTIONS (ADD base_url :'elsewhere_url');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv OPTIONS (ADD api 'glocher');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv OPTIONS (ADD ca_file '/tmp/my-ca.pem');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv OPTIONS (ADD api_key 'mine');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv OPTIONS (ADD email 'me@example.com');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv OPTIONS (ADD password 'mine');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv OPTIONS (ADD username 'me');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv OPTIONS (ADD host 'evil.example.com');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv ALTER COLUMN id OPTIONS (ADD base_url 'https://evil.example.com');
\echo :LAST_ERROR_SQLSTATE
-- a legitimate change still works
ALTER FOREIGN TABLE inv OPTIONS (SET page_size '10');
SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = 'inv'::regclass;
-- the server is not the tenant's to change
ALTER SERVER shared OPTIONS (SET base_url 'https://evil.example.com');
\echo :LAST_ERROR_SQLSTATE
-- the table still reads from the server's base_url only
SELECT id FROM inv WHERE id = 2;
-- every request went to the shared server's API (glance), none elsewhere (glocher)
\! $SIMCTL log --clear
-- control characters in the tenant's own mapping: refused, the value never echoed
CREATE USER MAPPING FOR regress_cfdw_tenant SERVER shared OPTIONS (api_key E'k1\r\nX-Injected: yes');
\echo :LAST_ERROR_SQLSTATE
-- ... and in a table option
CREATE FOREIGN TABLE cc (id bigint) SERVER shared OPTIONS (resource E'inventory\r\nX-Injected: yes');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE inv OPTIONS (SET page_size E'10\t');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET search_path;
-- Control characters in server options (any byte below 0x20, and 0x7F)
CREATE SERVER cc1 FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url E'http://localhost:1/x\r\nX-Injected: yes');
\echo :LAST_ERROR_SQLSTATE
CREATE SERVER cc2 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api E'glance\n');
\echo :LAST_ERROR_SQLSTATE
CREATE SERVER cc3 FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'glocher', shop_id E'4\x7f2');
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER shared OPTIONS (ADD ca_file E'/etc/ssl/\x01ca.pem');
\echo :LAST_ERROR_SQLSTATE
-- ... in user-mapping options: refused, never echoing the secret; an empty secret too
CREATE USER MAPPING FOR CURRENT_USER SERVER shared OPTIONS (api_key E'k1\r\nX-Injected: yes');
\echo :LAST_ERROR_SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER shared OPTIONS (api_key E'sekrit\x7f');
\echo :LAST_ERROR_SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER shared OPTIONS (api_key '');
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR PUBLIC SERVER shared OPTIONS (SET api_key E'sekrit\nX: y');
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR PUBLIC SERVER shared OPTIONS (SET api_key '');
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR PUBLIC SERVER shared OPTIONS (ADD email E'me@example.com\t');
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR PUBLIC SERVER shared OPTIONS (ADD password '');
\echo :LAST_ERROR_SQLSTATE
-- the mapping is unchanged
SELECT umoptions FROM pg_user_mappings WHERE srvname = 'shared';
-- ... in table options (as the owner of everything)
CREATE FOREIGN TABLE cc (id bigint) SERVER shared OPTIONS (resource 'inventory', page_size E'\n5');
\echo :LAST_ERROR_SQLSTATE
-- A catalog written before these checks (simulated by editing it directly):
-- a table with base_url fails instead of sending anything, and a stored
-- secret with a control character is not sent either.
UPDATE pg_foreign_table SET ftoptions = array_append(ftoptions, 'base_url=' || :'elsewhere_url')
  WHERE ftrelid = 'regress_tenant.inv'::regclass;
SET ROLE regress_cfdw_tenant;
SELECT id FROM regress_tenant.inv WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
UPDATE pg_foreign_table SET ftoptions = array_remove(ftoptions, 'base_url=' || :'elsewhere_url')
  WHERE ftrelid = 'regress_tenant.inv'::regclass;
UPDATE pg_user_mapping SET umoptions = ARRAY[E'api_key=sekrit\r\nX-Injected: yes']
  WHERE umserver = (SELECT oid FROM pg_foreign_server WHERE srvname = 'shared');
SET ROLE regress_cfdw_tenant;
SELECT id FROM regress_tenant.inv WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- nothing was sent by any of it
\! $SIMCTL log
DROP SCHEMA regress_tenant CASCADE;
DROP SERVER shared CASCADE;
DROP ROLE regress_cfdw_tenant;
