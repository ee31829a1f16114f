-- EXPLAIN (VERBOSE) shows the requests a scan sends: for every declared table
-- and a set of conditions (none, an equality pushed as a parameter, a point
-- lookup, a sort and/or a limit), the "Remote requests" of EXPLAIN and the
-- simulator's log of the same query, side by side, and whether they are the same.
--
-- EXPLAIN shows each series' first page ("(paged)": further pages follow) and
-- the per-row detail request as a template. The log is read alike: a request
-- that differs from an earlier one only in its page number is a later page of
-- that series (counted), and a request matching a detail template is that
-- template (counted). What remains must equal EXPLAIN's lines (without
-- "(paged)"), in any order (a supplement lookup goes out before the page it
-- completes). The Glocher login and the gcommerce rate limit are kept out of
-- the log (below), as neither is a request of the scan.
\! $SIMCTL reset
-- no rate limit: a request answered 429 and sent again would show twice
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
CREATE TEMP TABLE explained (ord serial, line text);
CREATE TEMP TABLE sent (ord serial, line text);
CREATE TEMP TABLE current_query (query text);

-- EXPLAIN's requests of q, then q run (its rows discarded).
CREATE FUNCTION pg_temp.run(q text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  p json;
BEGIN
  DELETE FROM explained;
  DELETE FROM current_query;
  INSERT INTO current_query VALUES (q);
  EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON) ' || q INTO p;
  INSERT INTO explained (line)
    SELECT r #>> '{}' FROM jsonb_path_query(p::jsonb, 'strict $.**."Remote requests"[*]') r;
  EXECUTE q;
END $f$;

-- The query, EXPLAIN's requests, the requests sent (the log read as above),
-- and whether they are the same; empties the log copy.
CREATE FUNCTION pg_temp.compare(OUT query text, OUT explain text, OUT sent text, OUT same boolean)
LANGUAGE plpgsql AS $f$
DECLARE
  shown text[];
  templates text[];
  kept text[] := '{}';
  pages text[] := '{}';
  later int := 0;
  per_row int := 0;
  l text;
  t text;
  matched boolean;
BEGIN
  SELECT c.query INTO query FROM current_query c;
  SELECT array_agg(e.line ORDER BY e.ord) INTO shown FROM explained e;
  SELECT array_agg(e.line) INTO templates FROM explained e WHERE e.line LIKE '% (per row, for detail columns)';
  -- each request of the log, without the API's name, for Extend without the
  -- path its base URL carries (EXPLAIN shows paths below the base URL), for
  -- Glocher without its login token (added to the URL after EXPLAIN's text is
  -- made: a secret; the simulator's log masks it as <tokenN>)
  FOR l IN SELECT regexp_replace(regexp_replace(regexp_replace(s.line,
                    '^(extend [A-Z]+) /RESTAPI/v1_0/ACME/', '\1 /'),
                    '^[a-z]+ ', ''),
                    '[?&]token=<token[0-9]+>$', '')
           FROM sent s ORDER BY s.ord LOOP
    matched := false;
    FOREACH t IN ARRAY coalesce(templates, '{}') LOOP
      IF l ~ ('^' || regexp_replace(replace(t, ' (per row, for detail columns)', ''), '\{[a-z_]+\}', '[^/?]+', 'g') || '$')
      THEN
        IF NOT t = ANY (kept) THEN kept := kept || t; END IF;
        per_row := per_row + 1;
        matched := true;
      END IF;
    END LOOP;
    CONTINUE WHEN matched;
    t := regexp_replace(l, '([?&](page|pageNumber|pageOffset)=)[0-9]+', '\1#', 'g');
    IF t = ANY (pages) AND NOT l = ANY (kept) THEN
      later := later + 1;
      CONTINUE;
    END IF;
    kept := kept || l;
    pages := pages || t;
  END LOOP;
  explain := array_to_string(shown, ', ');
  sent := array_to_string(kept, ', ')
          || CASE WHEN later > 0 THEN format(' (+ %s later pages)', later) ELSE '' END
          || CASE WHEN per_row > 0 THEN format(' (%s per-row requests)', per_row) ELSE '' END;
  same := (SELECT array_agg(y ORDER BY y) FROM unnest(shown) x, regexp_replace(x, ' \(paged\)$', '') y)
          IS NOT DISTINCT FROM (SELECT array_agg(x ORDER BY x) FROM unnest(kept) x);
  DELETE FROM pg_temp.sent;
END $f$;

-- Glocher logs in with its first request: done here, before any case.
SELECT count(*) FROM glocher_shop;
\! $SIMCTL log-clear
\x on

-- glance
SELECT pg_temp.run($$SELECT id FROM glance_inventory$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_inventory WHERE warehouse_id = 2$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_inventory WHERE id = 42$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT product_name FROM glance_inventory WHERE product_id = 1$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM glance_inventory LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_warehouses$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT name FROM glance_warehouses WHERE id = 2$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_inventory_movements$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_inventory_movements WHERE warehouse_id = 2$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM glance_inventory_movements LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_products$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_products WHERE vendor_id = 1$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_products WHERE sku = 'A/B?C&D=E F'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM glance_products LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_clients$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_clients WHERE email = 'existing@example.com'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT name FROM glance_clients WHERE id = 'C-1001'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_documents$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glance_documents WHERE type = 'invoice'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT number FROM glance_documents WHERE id = 'D-5003'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();

-- extend
SELECT pg_temp.run($$SELECT product_number FROM extend_product_prices WHERE customer_number = '10001'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM extend_product_prices WHERE customer_number = '10001' LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT product_number FROM extend_product_availability$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT warehouse FROM extend_product_availability WHERE product_number = 'ART-1003'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM extend_product_availability LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT product_number FROM extend_products$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT product_number FROM extend_products WHERE warehouse = 'GBG'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT name FROM extend_products WHERE product_number = 'KIT 40/B'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM extend_products LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT product_number FROM extend_warehouse_stock_levels WHERE warehouse = 'MMO'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM extend_warehouse_stock_levels WHERE warehouse = 'MAIN' LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT customer_number FROM extend_customers$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT name FROM extend_customers WHERE customer_number = '10001'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM extend_customers LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT order_number FROM extend_customer_orders$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT order_number FROM extend_customer_orders WHERE order_status = 'Reserved'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM extend_customer_orders WHERE order_number = '100001'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM extend_customer_orders LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM extend_customer_order_shipments WHERE order_number = '100002'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();

-- gcommerce
SELECT pg_temp.run($$SELECT category_id FROM gcommerce_categories$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_categories WHERE category_id = 8212$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_categories LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT product_id FROM gcommerce_products$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT product_id FROM gcommerce_products WHERE status = 'H'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_products WHERE product_id = 217032$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_products WHERE price BETWEEN 50 AND 150 ORDER BY price DESC LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT order_id FROM gcommerce_orders$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT order_id FROM gcommerce_orders WHERE status = 'P'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_orders WHERE order_id = 1001$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_orders ORDER BY created_at DESC LIMIT 2$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_order_items WHERE order_id = 1005$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT purchase_order_id FROM gcommerce_purchase_orders$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT purchase_order_id FROM gcommerce_purchase_orders WHERE status = 'O'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_purchase_orders WHERE purchase_order_id = 4001$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_purchase_orders ORDER BY created_at LIMIT 2$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT shipment_id FROM gcommerce_shipments$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT shipment_id FROM gcommerce_shipments WHERE order_id = 1007$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_shipments WHERE shipment_id = 302$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM gcommerce_shipments ORDER BY status DESC LIMIT 1$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();

-- glocher
SELECT pg_temp.run($$SELECT * FROM glocher_shop$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM glocher_categories$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glocher_stock$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM glocher_stock WHERE id = 10001$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM glocher_stock LIMIT 3$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glocher_carts$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT id FROM glocher_carts WHERE status = 'pending'$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
SELECT pg_temp.run($$SELECT * FROM glocher_carts WHERE id = 509$$) \g /dev/null
\copy sent (line) FROM PROGRAM '$SIMCTL log --clear'
SELECT * FROM pg_temp.compare();
\x off

-- Every readable table setup imported (its catalog comment names its API and
-- resource) is among the cases above.
SELECT DISTINCT substring(d, '^([a-z]+) resource') || '_' || substring(d, '^[a-z]+ resource "([a-z_]+)"') AS not_covered
FROM (SELECT obj_description(c.oid, 'pg_class') AS d FROM pg_class c WHERE c.relkind = 'f') s
WHERE d ~ '^[a-z]+ resource "' AND d NOT LIKE '%Insert-only%'
  AND substring(d, '^([a-z]+) resource') || '_' || substring(d, '^[a-z]+ resource "([a-z_]+)"') NOT IN (
    'glance_inventory', 'glance_warehouses', 'glance_inventory_movements', 'glance_products', 'glance_clients',
    'glance_documents', 'extend_product_prices', 'extend_product_availability', 'extend_products',
    'extend_warehouse_stock_levels', 'extend_customers', 'extend_customer_orders',
    'extend_customer_order_shipments', 'gcommerce_categories',
    'gcommerce_products', 'gcommerce_orders', 'gcommerce_order_items', 'gcommerce_purchase_orders',
    'gcommerce_shipments', 'glocher_shop', 'glocher_categories', 'glocher_stock', 'glocher_carts')
ORDER BY 1;
-- the simulator as the next tests expect it (its settings back to the defaults)
\! $SIMCTL reset
