-- Adaptive lookups: within one statement, a join's lookups into a foreign table stop once they
-- have cost as many requests as one read of the table's list; the list is then read once and
-- answers the rest. The outer side here is misestimated: a local table whose statistics say one
-- row, holding fourteen keys.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
CREATE SCHEMA adaptive;
IMPORT FOREIGN SCHEMA gcommerce LIMIT TO (gcommerce_products) FROM SERVER gcommerce INTO adaptive;
IMPORT FOREIGN SCHEMA glance LIMIT TO (glance_products) FROM SERVER glance INTO adaptive;
ANALYZE adaptive.gcommerce_products;  -- 57 products: one list page
CREATE TABLE adaptive.keys (id bigint, sku text);
INSERT INTO adaptive.keys VALUES (217001, 'WDG-001');
ANALYZE adaptive.keys;
INSERT INTO adaptive.keys VALUES (217002, 'WDG-002'), (217003, 'wdg-003'), (217010, 'WDG-010'), (217010, 'WDG-010'),
  (NULL, NULL), (999999, 'NOPE'), (217020, 'WDG-020'), (217030, 'WDG-030'), (217040, 'WDG-040'),
  (217050, 'WDG-050'), (217057, 'WDG-057'), (217005, 'WDG-005'), (217006, 'WDG-149');
\! $SIMCTL log --clear
EXPLAIN (COSTS OFF) SELECT k.id, p.product, p.price FROM adaptive.keys k JOIN adaptive.gcommerce_products p ON p.product_id = k.id;
-- the first lookup costs what the list costs (one page): then the list is read once
CREATE TEMP TABLE joined AS
  SELECT k.id, p.product, p.price FROM adaptive.keys k JOIN adaptive.gcommerce_products p ON p.product_id = k.id;
\! $SIMCTL log --clear
-- the same rows as a join with a plain read of the table
CREATE TEMP TABLE plain AS SELECT product_id, product, price FROM adaptive.gcommerce_products;
\! $SIMCTL log-clear
SELECT count(*) AS rows,
       (SELECT count(*) FROM ((TABLE joined EXCEPT ALL
                               SELECT k.id, p.product, p.price FROM adaptive.keys k JOIN plain p ON p.product_id = k.id)
                              UNION ALL
                              (SELECT k.id, p.product, p.price FROM adaptive.keys k JOIN plain p ON p.product_id = k.id
                               EXCEPT ALL TABLE joined)) d) AS differences
FROM joined;
-- EXPLAIN ANALYZE says when the lookups gave way to the list
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT k.id, p.product FROM adaptive.keys k JOIN adaptive.gcommerce_products p ON p.product_id = k.id;
\! $SIMCTL log-count

-- A list of several pages, its size learned at plan time (no ANALYZE): 150 products, 50 a page.
-- Three lookups, then the three pages; text keys match exactly (wdg-003 is no product's sku).
ALTER FOREIGN TABLE adaptive.glance_products OPTIONS (ADD remote_estimate 'true', ADD page_size '50');
\! $SIMCTL log-clear
EXPLAIN (COSTS OFF) SELECT k.sku, p.id, p.name FROM adaptive.keys k JOIN adaptive.glance_products p ON p.sku = k.sku;
\! $SIMCTL log --clear
CREATE TEMP TABLE joined2 AS
  SELECT k.sku, p.id, p.name FROM adaptive.keys k JOIN adaptive.glance_products p ON p.sku = k.sku;
\! $SIMCTL log --clear
SELECT * FROM joined2 ORDER BY sku, id;
CREATE TEMP TABLE plain2 AS SELECT id, sku, name FROM adaptive.glance_products;
\! $SIMCTL log-clear
SELECT count(*) AS differences
FROM ((TABLE joined2 EXCEPT ALL SELECT k.sku, p.id, p.name FROM adaptive.keys k JOIN plain2 p ON p.sku = k.sku)
      UNION ALL
      (SELECT k.sku, p.id, p.name FROM adaptive.keys k JOIN plain2 p ON p.sku = k.sku EXCEPT ALL TABLE joined2)) d;

-- max_requests still holds across the switch: three lookups and the list's first page make four
ALTER FOREIGN TABLE adaptive.glance_products OPTIONS (ADD max_requests '4');
\! $SIMCTL log-clear
SELECT count(*) FROM adaptive.keys k JOIN adaptive.glance_products p ON p.sku = k.sku;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log-count
ALTER FOREIGN TABLE adaptive.glance_products OPTIONS (DROP max_requests);

-- Without a known size (the declaration's guess of 1,000 products, remote_estimate off) the
-- lookups go on: one request per key
\! $SIMCTL log-clear
SELECT count(*) FROM adaptive.keys k JOIN gcommerce_products p ON p.product_id = k.id;
\! $SIMCTL log-count

DROP SCHEMA adaptive CASCADE;
