-- commerce_fdw 1.0
\echo Use "CREATE EXTENSION commerce_fdw" to load this file. \quit

CREATE FUNCTION commerce_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION commerce_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER commerce_fdw
  HANDLER commerce_fdw_handler
  VALIDATOR commerce_fdw_validator;

-- Per foreign server, since this backend started (or the last reset).
CREATE FUNCTION commerce_fdw_stats(
    OUT server text,
    OUT requests bigint,
    OUT errors bigint,
    OUT retries bigint,
    OUT http_429 bigint,
    OUT rate_limit_wait_ms bigint,
    OUT bytes_received bigint,
    OUT rows_returned bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT VOLATILE;

CREATE FUNCTION commerce_fdw_stats_reset()
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT VOLATILE;
