-- commerce_fdw 1.1 -> 1.2: shared clusters (trust), operations and BI-grade reads.
-- From 1.1 on an update keeps what users attached to the extension's objects:
-- functions are replaced in place (CREATE OR REPLACE), never dropped.
\echo Use "ALTER EXTENSION commerce_fdw UPDATE TO '1.2'" to load this file. \quit

-- Operations. commerce_fdw_stats() keeps its 1.1 columns (replacing it in
-- place keeps its grants, comment and the views over it); what 1.2 adds comes
-- in new functions. The C functions check privileges themselves: other
-- databases' rows and every backend's activity only for superusers and
-- pg_read_all_stats members; a reset only for superusers or a role granted
-- EXECUTE while PUBLIC has none.
CREATE OR REPLACE FUNCTION commerce_fdw_stats(
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

CREATE FUNCTION commerce_fdw_stats_info(
    OUT dealloc bigint,
    OUT stats_reset timestamptz,
    OUT stats_max integer,
    OUT servers integer)
RETURNS record
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION commerce_fdw_stats_info() IS
  'The statistics table: entries evicted to make room (dealloc), the last reset, its size (commerce_fdw.stats_max) and the servers it holds.';
REVOKE ALL ON FUNCTION commerce_fdw_stats_info() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commerce_fdw_stats_info() TO pg_read_all_stats;

CREATE FUNCTION commerce_fdw_stats_detail(
    OUT database name,
    OUT server text,
    OUT server_id oid,
    OUT cancelled bigint,
    OUT last_used timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION commerce_fdw_stats_detail() IS
  'Per foreign server, beside commerce_fdw_stats(): its OID, the requests cut short by a cancel, and when it was last used.';
REVOKE ALL ON FUNCTION commerce_fdw_stats_detail() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commerce_fdw_stats_detail() TO pg_read_all_stats;

CREATE FUNCTION commerce_fdw_activity(
    OUT pid integer,
    OUT database name,
    OUT server text,
    OUT "table" text,
    OUT method text,
    OUT path text,
    OUT state text,
    OUT since timestamptz,
    OUT statement_requests bigint,
    OUT statement_rows bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION commerce_fdw_activity() IS
  'One row per remote request a backend has under way: its server, table, method and path, state (http, rate_limit, login, retry_wait) since when, and the statement''s requests and rows so far.';
REVOKE ALL ON FUNCTION commerce_fdw_activity() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commerce_fdw_activity() TO pg_read_all_stats;

-- (end of the operations part)


-- The response cache (cache_ttl_ms): shared by every backend when preloaded.
CREATE FUNCTION commerce_fdw_cache_reset(server name DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE;

CREATE FUNCTION commerce_fdw_cache_info(
    OUT server text,
    OUT entries bigint,
    OUT bytes bigint,
    OUT hits bigint,
    OUT misses bigint,
    OUT evictions bigint,
    OUT database name)
RETURNS SETOF record
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT VOLATILE;

COMMENT ON FUNCTION commerce_fdw_cache_reset(name) IS
  'Clears the cached answers (cache_ttl_ms) and cache counters of a foreign server, of every server when NULL; for every backend when commerce_fdw is in shared_preload_libraries, else the calling backend only.';
COMMENT ON FUNCTION commerce_fdw_cache_info() IS
  'Per foreign server: cached answers (cache_ttl_ms), their bytes, hits, misses and evictions. Every backend when commerce_fdw is in shared_preload_libraries, else the calling backend only.';

-- As for the statistics: monitoring roles read, a reset is for superusers unless granted.
REVOKE ALL ON FUNCTION commerce_fdw_cache_reset(name) FROM PUBLIC;
REVOKE ALL ON FUNCTION commerce_fdw_cache_info() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commerce_fdw_cache_info() TO pg_read_all_stats;
