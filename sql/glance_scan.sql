-- Reading Glance tables: paging, types, raw, and the requests each query sends.
\! $SIMCTL reset
-- a full scan pages with the documented maximum (100) until hasMore is false; once the first page has
-- told the total, the pages left go out in parallel (max_concurrency)
ALTER SERVER glance OPTIONS (SET max_concurrency '4');
SELECT count(id) AS records, count(DISTINCT warehouse_id) AS warehouses, sum(quantity) > 0 AS has_stock
FROM (SELECT * FROM glance_inventory) s;
\! $SIMCTL log --clear --sort
ALTER SERVER glance OPTIONS (SET max_concurrency '1');
-- LIMIT with nothing left to PostgreSQL: one request of 5 rows
SELECT id, product_sku, warehouse_name FROM glance_inventory LIMIT 5;
\! $SIMCTL log --clear
-- LIMIT with a condition the API cannot apply: full pages, and only as many as PostgreSQL needs
SELECT count(*) FROM (SELECT id FROM glance_inventory WHERE location LIKE 'Bin%' LIMIT 2) s;
\! $SIMCTL log --clear
SELECT count(*) FROM (SELECT id FROM glance_inventory WHERE location = 'Nowhere' LIMIT 2) s;
\! $SIMCTL log --clear
-- types: strings become numbers, ISO strings timestamps, flags booleans
SELECT id, visible_id, name, sku, unit_cost, buying_price, pg_typeof(unit_cost) AS t, is_physical, is_active,
       created_at, raw->>'unitCost' AS raw_unit_cost
FROM glance_products WHERE id = 1;
\! $SIMCTL log --clear
-- raw is the remote object as received
SELECT jsonb_typeof(raw) AS kind, raw ? 'product' AS has_product, raw->'warehouse'->>'name' AS warehouse
FROM glance_inventory WHERE id = 1;
\! $SIMCTL log --clear
-- non-ASCII text arrives intact
SELECT id, name FROM glance_products WHERE id = 149;
\! $SIMCTL log --clear
-- clients: id is the visible id; contact columns come from the first contact
SELECT id, name, email, type, contact_first_name, balance FROM glance_clients WHERE email = 'existing@example.com';
\! $SIMCTL log --clear
-- documents: dates, jsonb products, numeric totals
SELECT id, type, date, client_name, jsonb_array_length(products) AS lines, total
FROM glance_documents ORDER BY date, id LIMIT 3;
\! $SIMCTL log --clear
