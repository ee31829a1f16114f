-- An hourly job (pg_cron in docs/extend.md) that copies only the availability changed since its last run.
-- The last run's mark lives in a small bookkeeping table; the job's condition reads it with a subquery,
-- which PostgreSQL runs first (an initplan), so the scan sends its value as modifiedDateFrom.
\! $SIMCTL reset
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE TABLE sync_state (job text PRIMARY KEY, last_run timestamptz NOT NULL);
CREATE TABLE webshop_stock (
  product_number text, warehouse text, available_balance numeric, changed_at timestamptz,
  PRIMARY KEY (product_number, warehouse));
CREATE FUNCTION sync_availability() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  copied integer;
BEGIN
  INSERT INTO webshop_stock AS s (product_number, warehouse, available_balance, changed_at)
  SELECT product_number, warehouse, available_balance, changed_at
  FROM extend_product_availability
  WHERE changed_at >= (SELECT last_run FROM sync_state WHERE job = 'availability')
  ON CONFLICT (product_number, warehouse) DO UPDATE
    SET available_balance = EXCLUDED.available_balance, changed_at = EXCLUDED.changed_at;
  GET DIAGNOSTICS copied = ROW_COUNT;
  -- The mark is the newest change seen (the ERP's clock, not ours); >= re-reads that second's rows,
  -- so a change in the same second after this run is not missed.
  UPDATE sync_state SET last_run = (SELECT max(changed_at) FROM webshop_stock) WHERE job = 'availability';
  RETURN copied;
END $$;

-- the plan: the subquery is an initplan ($0); the request carries its value once known
EXPLAIN (VERBOSE, COSTS OFF)
SELECT product_number, warehouse, available_balance, changed_at FROM extend_product_availability
WHERE changed_at >= (SELECT last_run FROM sync_state WHERE job = 'availability');

-- the first run reads everything: -infinity is no lower bound, so no modifiedDateFrom is sent
INSERT INTO sync_state VALUES ('availability', '-infinity');
SELECT sync_availability() AS copied;
\! $SIMCTL log --clear
SELECT job, last_run FROM sync_state;
-- the next run asks only for what changed since the newest change it has seen
SELECT sync_availability() AS copied;
\! $SIMCTL log --clear
-- a mark from an earlier time: exactly the rows changed since then
UPDATE sync_state SET last_run = '2026-11-22 15:00:00+00' WHERE job = 'availability';
SELECT sync_availability() AS copied;
\! $SIMCTL log --clear
SELECT job, last_run FROM sync_state;
SELECT count(*) AS rows, max(changed_at) AS newest FROM webshop_stock;
-- the same pattern with >: the API's bound is inclusive, PostgreSQL drops the boundary rows itself
SELECT product_number, warehouse, changed_at FROM extend_product_availability
WHERE changed_at > (SELECT last_run - interval '2 hours' FROM sync_state WHERE job = 'availability')
ORDER BY changed_at;
\! $SIMCTL log --clear
DROP FUNCTION sync_availability();
DROP TABLE sync_state, webshop_stock;
