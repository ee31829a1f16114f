-- EXPLAIN shows the remote requests; secrets never.
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM glance_inventory;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glance_inventory WHERE warehouse_id = 2 AND quantity > 10;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glance_inventory LIMIT 5;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glance_inventory WHERE id IN (1, 2, 3);
EXPLAIN (VERBOSE, COSTS OFF) SELECT product_name FROM glance_inventory WHERE product_id = 1;
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM glance_inventory WHERE warehouse_id = 2;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM glance_products WHERE sku = 'A/B?C&D=E F';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM glance_documents WHERE date BETWEEN '2026-01-01' AND '2026-03-31';
EXPLAIN (VERBOSE, COSTS OFF) UPDATE glance_inventory SET quantity = quantity + 1 WHERE warehouse_id = 2;
EXPLAIN (VERBOSE, COSTS OFF) UPDATE glance_inventory SET location = 'x' WHERE id = 1;
EXPLAIN (VERBOSE, COSTS OFF) INSERT INTO glance_clients (name, email) VALUES ('a', 'b') ON CONFLICT DO NOTHING;
-- no secret anywhere in the plan text
DO $$
DECLARE l text; n int := 0;
BEGIN
  FOR l IN EXPLAIN (VERBOSE) SELECT * FROM glance_inventory i JOIN glance_products p ON p.sku = i.product_sku LOOP
    IF l LIKE '%glance-test-key%' OR l LIKE '%Bearer%' THEN n := n + 1; END IF;
  END LOOP;
  RAISE NOTICE 'plan lines showing the key: %', n;
END $$;
\! $SIMCTL reset
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM glance_inventory WHERE warehouse_id = 2;
