-- commerce_fdw 1.1 -> 1.2: shared clusters (trust), operations and BI-grade reads.
-- From 1.1 on an update keeps what users attached to the extension's objects:
-- functions are replaced in place (CREATE OR REPLACE), never dropped.
\echo Use "ALTER EXTENSION commerce_fdw UPDATE TO '1.2'" to load this file. \quit

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
