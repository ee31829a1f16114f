-- commerce_fdw 1.0 -> 1.1: cluster-wide statistics with the last error, and
-- their privileges (as pg_stat_statements grants its own).
\echo Use "ALTER EXTENSION commerce_fdw UPDATE TO '1.1'" to load this file. \quit

-- Two more columns (the last failed request and when), and the database of
-- each server: preloaded, the statistics cover every database of the cluster.
DROP FUNCTION commerce_fdw_stats();
CREATE FUNCTION commerce_fdw_stats(
    OUT server text,
    OUT requests bigint,
    OUT errors bigint,
    OUT retries bigint,
    OUT http_429 bigint,
    OUT rate_limit_wait_ms bigint,
    OUT bytes_received bigint,
    OUT rows_returned bigint,
    OUT last_error text,
    OUT last_error_at timestamptz,
    OUT database name)
RETURNS SETOF record
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT VOLATILE;

COMMENT ON FUNCTION commerce_fdw_stats() IS
  'Per foreign server: remote requests, failures, retries, 429 answers, wait, bytes and rows, and the last failed request. Every backend when commerce_fdw is in shared_preload_libraries, else the calling backend only.';
COMMENT ON FUNCTION commerce_fdw_stats_reset() IS
  'Clears commerce_fdw_stats() (for every backend when preloaded).';

-- The statistics name servers and requests: monitoring roles read them; a
-- reset is for superusers unless granted.
REVOKE ALL ON FUNCTION commerce_fdw_stats() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commerce_fdw_stats() TO pg_read_all_stats;
REVOKE ALL ON FUNCTION commerce_fdw_stats_reset() FROM PUBLIC;
