-- The response cache (cache_ttl_ms): preloaded (as in these tests), answers are shared by every backend,
-- keyed by server, user mapping and URL; a write to a server drops that server's answers everywhere.
\! $SIMCTL reset
SELECT commerce_fdw_cache_reset();
SELECT current_setting('commerce_fdw.cache_size') AS cache_size;
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
CREATE SERVER cache_a FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '0', max_concurrency '1',
           cache_ttl_ms '600000', remote_estimate 'false');
CREATE USER MAPPING FOR CURRENT_USER SERVER cache_a OPTIONS (api_key 'glance-test-key');
CREATE SCHEMA cache_a;
IMPORT FOREIGN SCHEMA glance LIMIT TO (glance_inventory) FROM SERVER cache_a INTO cache_a;
-- the first read asks the API, the same read again is answered from the cache
SELECT id, quantity FROM cache_a.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear
SELECT id, quantity FROM cache_a.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear
-- a new connection (another backend) within cache_ttl_ms sends nothing either
\c
SELECT id, quantity FROM cache_a.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear
SELECT server, entries, bytes > 0 AS has_bytes, hits, misses, evictions, database = current_database() AS this_database
FROM commerce_fdw_cache_info() WHERE server LIKE 'cache_%';

-- Two accounts never share: a second server with the same base_url and cache_ttl_ms but another key (an
-- account the simulator does not know) sends its own request and gets its own answer (401)
CREATE SERVER cache_b FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0', max_retries '0', max_concurrency '1',
           cache_ttl_ms '600000', remote_estimate 'false');
CREATE USER MAPPING FOR CURRENT_USER SERVER cache_b OPTIONS (api_key 'another-account-key');
CREATE SCHEMA cache_b;
IMPORT FOREIGN SCHEMA glance LIMIT TO (glance_inventory) FROM SERVER cache_b INTO cache_b;
SELECT id, quantity FROM cache_b.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear --status
-- the mapping switched to a key the API knows: its own request again, then its own cached answer
ALTER USER MAPPING FOR CURRENT_USER SERVER cache_b OPTIONS (SET api_key 'glance-test-key');
SELECT id, quantity FROM cache_b.glance_inventory WHERE id = 7;
SELECT id, quantity FROM cache_b.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear --status
-- and back to the unknown key: the answer cached for the other key is not served
ALTER USER MAPPING FOR CURRENT_USER SERVER cache_b OPTIONS (SET api_key 'another-account-key');
SELECT id, quantity FROM cache_b.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear --status

-- A write drops the server's answers at once: the session reads its own write
UPDATE cache_a.glance_inventory SET quantity = quantity + 7 WHERE id = 7;
\! $SIMCTL log --clear
SELECT id, quantity FROM cache_a.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear
\! $SIMCTL state glance inventory --id 7
-- ... and every other session too: another backend reads the cached new value, then writes
\setenv PGDATABASE :DBNAME
\! "$(pg_config --bindir)/psql" -X -q -A -t -c "SELECT 'other session read ' || quantity FROM cache_a.glance_inventory WHERE id = 7"
\! $SIMCTL log --clear
\! "$(pg_config --bindir)/psql" -X -q -A -t -c "UPDATE cache_a.glance_inventory SET quantity = quantity + 1 WHERE id = 7"
\! $SIMCTL log --clear
-- this session now asks the API again and reads the other session's write
SELECT id, quantity FROM cache_a.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear
SELECT id, quantity FROM cache_a.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear
-- a write to one server leaves another server's answers alone: cache_b, another account as far as the
-- cache knows, still has its answer from before the writes
ALTER USER MAPPING FOR CURRENT_USER SERVER cache_b OPTIONS (SET api_key 'glance-test-key');
SELECT id, quantity FROM cache_b.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear

-- An expired answer is never served
ALTER SERVER cache_a OPTIONS (SET cache_ttl_ms '1');
SELECT id, quantity FROM cache_a.glance_inventory WHERE id = 8;
SELECT pg_sleep(0.05);
SELECT id, quantity FROM cache_a.glance_inventory WHERE id = 8;
\! $SIMCTL log --clear
ALTER SERVER cache_a OPTIONS (SET cache_ttl_ms '600000');

-- commerce_fdw_cache_reset(server) clears that server's answers and counters, NULL every server's
SELECT id FROM cache_a.glance_inventory WHERE id = 9;
SELECT server, entries, hits, misses FROM commerce_fdw_cache_info() WHERE server LIKE 'cache_%' ORDER BY server;
SELECT commerce_fdw_cache_reset('cache_a');
SELECT server, entries, hits, misses FROM commerce_fdw_cache_info() WHERE server LIKE 'cache_%' ORDER BY server;
\! $SIMCTL log-clear
SELECT id FROM cache_a.glance_inventory WHERE id = 9;
SELECT id FROM cache_b.glance_inventory WHERE id = 7;
\! $SIMCTL log --clear
SELECT commerce_fdw_cache_reset();
SELECT count(*) FROM commerce_fdw_cache_info();
SELECT commerce_fdw_cache_reset('no_such_server');

-- Who may: members of pg_read_all_stats read the counters; a reset is for superusers unless granted.
-- The functions check it themselves, also when EXECUTE was left to PUBLIC (as in an older script).
CREATE ROLE cfdw_cache_monitor;
GRANT pg_read_all_stats TO cfdw_cache_monitor;
CREATE ROLE cfdw_cache_someone;
SET ROLE cfdw_cache_monitor;
SELECT count(*) FROM commerce_fdw_cache_info();
SELECT commerce_fdw_cache_reset();
RESET ROLE;
GRANT EXECUTE ON FUNCTION commerce_fdw_cache_info(), commerce_fdw_cache_reset(name) TO PUBLIC;
SET ROLE cfdw_cache_someone;
SELECT count(*) FROM commerce_fdw_cache_info();
SELECT commerce_fdw_cache_reset();
RESET ROLE;
REVOKE EXECUTE ON FUNCTION commerce_fdw_cache_info(), commerce_fdw_cache_reset(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commerce_fdw_cache_reset(name) TO cfdw_cache_someone;
SET ROLE cfdw_cache_someone;
SELECT commerce_fdw_cache_reset();
RESET ROLE;
REVOKE EXECUTE ON FUNCTION commerce_fdw_cache_reset(name) FROM cfdw_cache_someone;
SELECT p.proname, r.rolname AS grantee, a.privilege_type
FROM pg_proc p, aclexplode(p.proacl) a JOIN pg_roles r ON r.oid = a.grantee
WHERE p.proname LIKE 'commerce_fdw_cache%' AND r.rolname <> current_user ORDER BY 1, 2;
DROP ROLE cfdw_cache_monitor, cfdw_cache_someone;

DROP SCHEMA cache_a CASCADE;
DROP SCHEMA cache_b CASCADE;
DROP SERVER cache_a CASCADE;
DROP SERVER cache_b CASCADE;
SELECT commerce_fdw_cache_reset();

-- The examples of docs/cache.md
ALTER SERVER glance OPTIONS (ADD cache_ttl_ms '60000');  -- answers live one minute
SELECT id, quantity FROM glance_inventory WHERE id = 7;
UPDATE glance_inventory SET quantity = quantity + 7 WHERE id = 7;
SELECT id, quantity FROM glance_inventory WHERE id = 7;
\o /dev/null
SELECT server, entries, bytes, hits, misses, evictions, database FROM commerce_fdw_cache_info();
\o
SELECT server, entries, bytes > 0 AS has_bytes, hits, misses, evictions, database = current_database() AS this_database
FROM commerce_fdw_cache_info();
SELECT commerce_fdw_cache_reset('glance');  -- one server's answers and counters
SELECT commerce_fdw_cache_reset();          -- every server's
\! $SIMCTL log --clear
ALTER SERVER glance OPTIONS (DROP cache_ttl_ms);
\! $SIMCTL reset
