-- The request log: commerce_fdw.log_requests (off | errors | writes | all; default errors; superuser-set)
-- writes one server-log line per request attempt, in logfmt: server, database, method, path as displayed
-- (no secrets), status, ms, bytes, rows, retry number, outcome (ok, retry, failed, cancelled), and
-- query_id when compute_query_id is on. Retries are logged as they happen; the final error says how many
-- were made.
-- The test cluster logs to postgres.log in its socket directory ($PGHOST).
\! $SIMCTL reset
\getenv pghost PGHOST
\set logfile :pghost /postgres.log
SHOW commerce_fdw.log_requests;
SELECT size AS log_start FROM pg_stat_file(:'logfile') \gset
-- all: every request, the retried 503 as it happened
SET commerce_fdw.log_requests = 'all';
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/4 --status 503 --count 1
SELECT id FROM glance_inventory WHERE id = 4;
-- errors (the default): a success is not logged; each failed attempt is, and the error counts the retries
SET commerce_fdw.log_requests = 'errors';
SELECT id FROM glance_inventory WHERE id = 5;
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/6 --status 503 --count 3
SELECT id FROM glance_inventory WHERE id = 6;
\echo :LAST_ERROR_SQLSTATE
-- writes: the PUT is logged, the GET that found the row is not; the remote row is unchanged
SET commerce_fdw.log_requests = 'writes';
UPDATE glance_inventory SET location = location WHERE id = 7;
\! $SIMCTL state glance inventory --id 7
-- off: nothing, not even a failure
SET commerce_fdw.log_requests = 'off';
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/8 --status 500 --count 1
SELECT id FROM glance_inventory WHERE id = 8;
RESET commerce_fdw.log_requests;
SELECT regexp_replace(substring(line FROM 'commerce_fdw request: .*'), 'ms=[0-9]+', 'ms=N') AS logged
FROM regexp_split_to_table(pg_read_file(:'logfile', :log_start, 10000000), E'\n') WITH ORDINALITY AS l(line, n)
WHERE line LIKE '%commerce_fdw request: %' ORDER BY n;
-- A server whose name holds a space and a quote: a logfmt parser reads every field back exactly
-- (test/logfmt/parse.py); with compute_query_id on, the line carries the query's id
\getenv sim_url SIM_URL
\set glance_url :sim_url /glance
CREATE SERVER "odd "" name" FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'glance', base_url :'glance_url', rate_limit_per_minute '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER "odd "" name" OPTIONS (api_key 'glance-test-key');
CREATE FOREIGN TABLE odd_inventory (id bigint) SERVER "odd "" name" OPTIONS (resource 'inventory');
SELECT size AS odd_start FROM pg_stat_file(:'logfile') \gset
SET commerce_fdw.log_requests = 'all';
SET compute_query_id = on;
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/9 --status 503 --count 1
SELECT id FROM odd_inventory WHERE id = 9;
-- a request cut short by statement_timeout is logged as cancelled
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/10 --latency-ms 3000 --count 1
SET statement_timeout = '500ms';
SELECT id FROM odd_inventory WHERE id = 10;
RESET statement_timeout;
RESET compute_query_id;
RESET commerce_fdw.log_requests;
\setenv ODD_START :odd_start
\! python3 test/logfmt/parse.py "$PGHOST/postgres.log" "$ODD_START" 'odd " name'
SET client_min_messages = warning;
DROP SERVER "odd "" name" CASCADE;
RESET client_min_messages;
-- no secret anywhere in the server log
SELECT count(*) AS lines_with_a_secret
FROM regexp_split_to_table(pg_read_file(:'logfile'), E'\n') AS line
WHERE line LIKE '%glance-test-key%' OR line LIKE '%gcommerce-test-key%' OR line LIKE '%extend-pass%'
   OR line LIKE '%glocher-test-pass%';
-- only a superuser sets it
CREATE ROLE cfdw_user;
SET ROLE cfdw_user;
SET commerce_fdw.log_requests = 'all';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP ROLE cfdw_user;
-- the simulator finishes the request the statement gave up on before its log is read
\! $SIMCTL wait-idle
\! $SIMCTL log --clear --status
