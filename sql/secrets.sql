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
-- A secret file is opened without following a link and without blocking: a FIFO, a directory or a
-- link is refused at once (statement_timeout only bounds the test if it were not).
SET statement_timeout = '10s';
\! f=/tmp/commerce_fdw_test_secrets/glance_key; rm -rf $f; mkfifo -m 600 $f; if [ "$(id -u)" -eq 0 ]; then chown postgres $f; fi
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
\! f=/tmp/commerce_fdw_test_secrets/glance_key; rm -rf $f; mkdir -m 700 $f; if [ "$(id -u)" -eq 0 ]; then chown postgres $f; fi
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
\! rm -rf /tmp/commerce_fdw_test_secrets/glance_key
\set other :dir /other_key
COPY (SELECT 'api_key=glance-test-key') TO :'other';
\! chmod 600 /tmp/commerce_fdw_test_secrets/other_key
\! f=/tmp/commerce_fdw_test_secrets/glance_key; ln -s other_key $f; if [ "$(id -u)" -eq 0 ]; then chown -h postgres $f; fi
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- a NUL byte (which would cut the value short), invalid UTF-8: refused, named by line only
\! f=/tmp/commerce_fdw_test_secrets/glance_key; rm -f $f; printf '# key\napi_key=glance-test\0-key\n' > $f; chmod 600 $f; if [ "$(id -u)" -eq 0 ]; then chown postgres $f; fi
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
\! f=/tmp/commerce_fdw_test_secrets/glance_key; rm -f $f; printf 'api_key=glance-\377\376-key\n' > $f; chmod 600 $f; if [ "$(id -u)" -eq 0 ]; then chown postgres $f; fi
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- a line that is not a known key=value is never echoed (here a base64 secret with its padding)
\! f=/tmp/commerce_fdw_test_secrets/glance_key; rm -f $f; printf 'Z2xhbmNlLXRlc3Qta2V5IQ==\n' > $f; chmod 600 $f; if [ "$(id -u)" -eq 0 ]; then chown postgres $f; fi
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\! $SIMCTL log --clear --status
-- Only a superuser names a secret file. A role with USAGE on the server, or on the wrapper for a
-- server of its own, cannot make a mapping read another role's file.
CREATE ROLE regress_mallory;
GRANT USAGE ON FOREIGN SERVER sec_glance TO regress_mallory;
GRANT USAGE ON FOREIGN DATA WRAPPER commerce_fdw TO regress_mallory;
GRANT SELECT ON sec_inventory TO regress_mallory;
CREATE SCHEMA regress_mallory AUTHORIZATION regress_mallory;
\set elsewhere_url :sim_url /glance/elsewhere
SET ROLE regress_mallory;
CREATE USER MAPPING FOR regress_mallory SERVER sec_glance OPTIONS (secret 'glance_key');
\echo :LAST_ERROR_SQLSTATE
CREATE SERVER mallory_glance FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'elsewhere_url', rate_limit_per_minute '0', max_retries '0');
CREATE USER MAPPING FOR regress_mallory SERVER mallory_glance OPTIONS (secret 'glance_key');
\echo :LAST_ERROR_SQLSTATE
-- an inline secret of her own is hers to give
CREATE USER MAPPING FOR regress_mallory SERVER mallory_glance OPTIONS (api_key 'mallory-key');
-- ... and not to swap for a file afterwards
ALTER USER MAPPING FOR regress_mallory SERVER mallory_glance OPTIONS (DROP api_key, ADD secret 'glance_key');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE regress_mallory.mallory_inventory (id bigint) SERVER mallory_glance OPTIONS (resource 'inventory');
RESET ROLE;
-- A mapping naming a file on a server a superuser does not own (as one stored before 1.2 could be)
-- is refused at use: the server's owner decides where its requests go.
UPDATE pg_user_mapping SET umoptions = ARRAY['secret=glance_key']
  WHERE umuser = 'regress_mallory'::regrole AND umserver = (SELECT oid FROM pg_foreign_server WHERE srvname = 'mallory_glance');
\! f=/tmp/commerce_fdw_test_secrets/glance_key; rm -f $f
COPY (SELECT 'api_key=glance-test-key') TO :'file';
\! chmod 600 /tmp/commerce_fdw_test_secrets/glance_key
SET ROLE regress_mallory;
SELECT id FROM regress_mallory.mallory_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- nothing was sent
\! $SIMCTL log --clear --status
-- A superuser maps her to a file on the superuser's server: the errors she sees name neither the
-- directory nor whether the file exists (nor the SQLSTATE); the reason is in the server log.
CREATE USER MAPPING FOR regress_mallory SERVER sec_glance OPTIONS (secret 'no_such_key');
SET ROLE regress_mallory;
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
ALTER USER MAPPING FOR regress_mallory SERVER sec_glance OPTIONS (SET secret 'other_key');
\! chmod 644 /tmp/commerce_fdw_test_secrets/other_key
SET ROLE regress_mallory;
SELECT id FROM sec_inventory WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE regress_mallory;
ALTER USER MAPPING FOR regress_mallory SERVER sec_glance OPTIONS (SET secret 'glance_key');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- the file the superuser chose works for her
ALTER USER MAPPING FOR regress_mallory SERVER sec_glance OPTIONS (SET secret 'glance_key');
SET ROLE regress_mallory;
SELECT id FROM sec_inventory WHERE id = 1;
RESET ROLE;
\! $SIMCTL log --clear --status
DROP SCHEMA regress_mallory CASCADE;
DROP SERVER mallory_glance CASCADE;
DROP USER MAPPING FOR regress_mallory SERVER sec_glance;
REVOKE ALL ON sec_inventory FROM regress_mallory;
REVOKE ALL ON FOREIGN SERVER sec_glance FROM regress_mallory;
REVOKE ALL ON FOREIGN DATA WRAPPER commerce_fdw FROM regress_mallory;
DROP ROLE regress_mallory;
-- back to unset
ALTER SYSTEM RESET commerce_fdw.secret_dir;
SELECT pg_reload_conf();
\! for i in $(seq 1 100); do [ -z "$("$(pg_config --bindir)/psql" -X -A -t -c 'SHOW commerce_fdw.secret_dir')" ] && break; sleep 0.1; done
\! rm -rf /tmp/commerce_fdw_test_secrets
DROP SERVER sec_glance CASCADE;
