-- The incremental product job of docs/extend.md: copy exactly the products changed since the last run.
-- Product list items carry no change date; the remote's modifiedDateFrom decides which rows come back,
-- and PostgreSQL does not recheck that condition against the rows' NULL changed_at.
\! $SIMCTL reset
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE TABLE sync_state (job text PRIMARY KEY, last_run timestamptz NOT NULL);
CREATE TABLE shop_products (product_number text PRIMARY KEY, name text, cost numeric, currency text,
                            gtin text[], copied_at timestamptz);
CREATE FUNCTION sync_products(run_started timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  copied integer;
BEGIN
  INSERT INTO shop_products AS s (product_number, name, cost, currency, gtin, copied_at)
  SELECT product_number, name, cost, currency, gtin, run_started FROM extend_products
  WHERE changed_at >= (SELECT last_run FROM sync_state WHERE job = 'products')
  ON CONFLICT (product_number) DO UPDATE
    SET name = EXCLUDED.name, cost = EXCLUDED.cost, currency = EXCLUDED.currency, gtin = EXCLUDED.gtin,
        copied_at = EXCLUDED.copied_at;
  GET DIAGNOSTICS copied = ROW_COUNT;
  -- the list shows no change date to take a mark from: the mark is when this run started
  UPDATE sync_state SET last_run = run_started WHERE job = 'products';
  RETURN copied;
END $$;
-- the plan: no local filter on changed_at, the request carries the initplan's value
EXPLAIN (VERBOSE, COSTS OFF)
SELECT product_number FROM extend_products
WHERE changed_at >= (SELECT last_run FROM sync_state WHERE job = 'products');
-- the last run was on 2026-11-06: products 37 .. 40 changed since (one a day, at 08:00)
INSERT INTO sync_state VALUES ('products', '2026-11-06 00:00:00+00');
SELECT sync_products('2026-11-23 12:00:00+00') AS copied;
\! $SIMCTL log --clear
SELECT product_number, name, cost, gtin, copied_at FROM shop_products ORDER BY 1;
-- nothing changed since: one request, nothing copied
SELECT sync_products('2026-11-23 13:00:00+00') AS copied;
\! $SIMCTL log --clear
-- two products change in the ERP; the next run copies exactly those two
\! $SIMCTL patch extend products ART-1005 modifiedDate '"2026-11-23T13:20:00+00:00"'
\! $SIMCTL patch extend products ART-1005 cost 99.5
\! $SIMCTL patch extend products ART-1012 modifiedDate '"2026-11-23T13:45:10+00:00"'
SELECT sync_products('2026-11-23 14:00:00+00') AS copied;
\! $SIMCTL log --clear
SELECT product_number, cost, copied_at FROM shop_products ORDER BY 1;
SELECT job, last_run FROM sync_state;
DROP FUNCTION sync_products(timestamptz);
DROP TABLE sync_state, shop_products;
