-- Glance warehouses and inventory movements; the incremental stock job of docs/glance.md.
\! $SIMCTL reset
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- warehouses: the list, and id = -> /warehouses/:id
SELECT id, name, code, is_active, is_default FROM glance_warehouses ORDER BY id;
\! $SIMCTL log --clear
SELECT name, raw FROM glance_warehouses WHERE id = 2;
SELECT name FROM glance_warehouses WHERE id = 9;
\! $SIMCTL log --clear

-- movements: product_id, warehouse_id and type shape the request; the fields are read under their
-- alternative names (this server nests product and warehouse and calls the change "amount")
SELECT id, product_id, warehouse_id, type, quantity, created_at FROM glance_inventory_movements
WHERE product_id = 2 AND warehouse_id = 1 AND type = 'purchase' ORDER BY id;
\! $SIMCTL log --clear
-- created_at ranges -> startDate / endDate, days widened by one each way (the server compares days in its
-- own time zone); PostgreSQL applies the exact range
SELECT id, created_at FROM glance_inventory_movements
WHERE created_at >= '2026-11-21 00:00:00+00' AND created_at < '2026-11-22 12:00:00+00' ORDER BY id;
\! $SIMCTL log --clear
-- movement 40 is on the 22nd in UTC and on the 23rd in Israel: the widened bound still finds it
SELECT id, created_at FROM glance_inventory_movements WHERE created_at >= '2026-11-22 20:00:00+00';
\! $SIMCTL log --clear
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM glance_inventory_movements WHERE created_at > '2026-11-21 10:00:00+00' AND warehouse_id = 2;
-- movements are read-only
DELETE FROM glance_inventory_movements WHERE id = 1;
INSERT INTO glance_inventory_movements (product_id) VALUES (1);

-- The incremental job: read only what changed since the last run instead of the whole inventory.
-- The bookkeeping table holds the last run's mark; the subquery is an initplan, evaluated before the request.
CREATE TABLE sync_state (job text PRIMARY KEY, last_run timestamptz NOT NULL);
CREATE TABLE shop_stock_changes (movement_id bigint PRIMARY KEY, product_id bigint, warehouse_id bigint,
                                 quantity numeric, created_at timestamptz);
CREATE FUNCTION sync_movements() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  copied integer;
BEGIN
  INSERT INTO shop_stock_changes
  SELECT id, product_id, warehouse_id, quantity, created_at FROM glance_inventory_movements
  WHERE created_at > (SELECT last_run FROM sync_state WHERE job = 'movements')
  ON CONFLICT (movement_id) DO NOTHING;
  GET DIAGNOSTICS copied = ROW_COUNT;
  UPDATE sync_state SET last_run = coalesce((SELECT max(created_at) FROM shop_stock_changes), last_run)
  WHERE job = 'movements';
  RETURN copied;
END $$;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM glance_inventory_movements WHERE created_at > (SELECT last_run FROM sync_state WHERE job = 'movements');
INSERT INTO sync_state VALUES ('movements', '2026-11-20 00:00:00+00');
SELECT sync_movements() AS copied;
\! $SIMCTL log --clear
SELECT last_run FROM sync_state;
-- two stock changes in Glance, then the next run copies exactly those
UPDATE glance_inventory SET quantity = quantity + 5 WHERE id = 1;
UPDATE glance_inventory SET quantity = 7 WHERE id = 2;
\! $SIMCTL log-clear
SELECT sync_movements() AS copied;
\! $SIMCTL log --clear
SELECT movement_id, product_id, warehouse_id, quantity, created_at FROM shop_stock_changes
WHERE created_at > '2026-11-23' ORDER BY movement_id;
\! $SIMCTL state glance movements --type adjustment
-- nothing new: one request, nothing copied
SELECT sync_movements() AS copied;
\! $SIMCTL log --clear
DROP FUNCTION sync_movements();
DROP TABLE sync_state, shop_stock_changes;
