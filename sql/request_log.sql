-- The request log: commerce_fdw.log_requests (off | errors | writes | all; default errors; superuser-set)
-- writes one server-log line per request: server, method, URL as displayed (no secrets), status, ms,
-- bytes and retry number. Retries are logged as they happen; the final error says how many were made.
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
\! $SIMCTL log --clear --status
