-- IMPORT FOREIGN SCHEMA with LIMIT TO / EXCEPT, and tables made by hand.
CREATE SCHEMA imp1;
IMPORT FOREIGN SCHEMA glance LIMIT TO (glance_products, glance_clients) FROM SERVER glance INTO imp1;
SELECT relname FROM pg_class WHERE relnamespace = 'imp1'::regnamespace ORDER BY 1;
CREATE SCHEMA imp2;
IMPORT FOREIGN SCHEMA glance EXCEPT (glance_documents) FROM SERVER glance INTO imp2;
SELECT relname FROM pg_class WHERE relnamespace = 'imp2'::regnamespace ORDER BY 1;
-- the remote schema is the api's name
IMPORT FOREIGN SCHEMA gcommerce FROM SERVER glance INTO imp1;
DROP SCHEMA imp1, imp2 CASCADE;
-- by hand: any name, a subset of the columns, in any order
CREATE FOREIGN TABLE stock (quantity numeric, product_sku text, id bigint)
  SERVER glance OPTIONS (resource 'inventory');
SELECT id, product_sku, quantity FROM stock WHERE id = 3;
-- a column the resource does not have
CREATE FOREIGN TABLE stock_bad (id bigint, colour text) SERVER glance OPTIONS (resource 'inventory');
SELECT * FROM stock_bad;
-- a resource that does not exist
CREATE FOREIGN TABLE stock_bad2 (id bigint) SERVER glance OPTIONS (resource 'stock');
SELECT * FROM stock_bad2;
DROP FOREIGN TABLE stock, stock_bad, stock_bad2;
-- LIMIT TO / EXCEPT naming no table of the api is an error listing the valid names (not a silent no-op)
CREATE SCHEMA imp3;
IMPORT FOREIGN SCHEMA glance LIMIT TO (inventory) FROM SERVER glance INTO imp3;
\echo :LAST_ERROR_SQLSTATE
IMPORT FOREIGN SCHEMA glance EXCEPT (glance_products, glance_documentz) FROM SERVER glance INTO imp3;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS imported FROM pg_class WHERE relnamespace = 'imp3'::regnamespace;
-- The catalog tells a BI tool the truth. Every imported table and column has a comment generated from the
-- declarations: what the table reads and writes; per column the remote field, the conversion, the
-- conditions that push and to what, detail-only, required, write-only, echo columns.
IMPORT FOREIGN SCHEMA glance LIMIT TO (glance_inventory, glance_inventory_adjustments) FROM SERVER glance INTO imp3;
SELECT c.relname, a.attname, col_description(c.oid, a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'imp3'::regnamespace ORDER BY c.relname, a.attnum;
SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c
WHERE c.relnamespace = 'imp3'::regnamespace ORDER BY 1;
-- comments on every table and column of every api (setup imported them all into public)
SELECT count(*) AS columns, count(col_description(c.oid, a.attnum)) AS commented
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relkind = 'f' AND c.relnamespace = 'public'::regnamespace;
SELECT count(*) AS tables, count(obj_description(c.oid, 'pg_class')) AS commented
FROM pg_class c WHERE c.relkind = 'f' AND c.relnamespace = 'public'::regnamespace;
-- detail-only, required and echo columns say so
SELECT col_description('gcommerce_products'::regclass, attnum) FROM pg_attribute
WHERE attrelid = 'gcommerce_products'::regclass AND attname = 'full_description';
SELECT col_description('gcommerce_order_items'::regclass, attnum) FROM pg_attribute
WHERE attrelid = 'gcommerce_order_items'::regclass AND attname = 'order_id';
SELECT col_description('glance_products'::regclass, attnum) FROM pg_attribute
WHERE attrelid = 'glance_products'::regclass AND attname = 'search';
-- Each table reports the writes it supports: read-only 0, insert-only 8 (1 << CMD_INSERT), all three 28
SELECT c.relname, pg_relation_is_updatable(c.oid, false) AS updatable
FROM pg_class c WHERE c.relkind = 'f' AND c.relnamespace = 'public'::regnamespace ORDER BY 1;
SELECT table_name, is_insertable_into FROM information_schema.tables
WHERE table_schema = 'public' AND table_name IN ('extend_products', 'glance_inventory_adjustments', 'glance_inventory') ORDER BY 1;
SELECT table_name, column_name, is_updatable FROM information_schema.columns
WHERE table_schema = 'public' AND table_name IN ('extend_products', 'glance_inventory_adjustments', 'glance_inventory') AND ordinal_position = 2
ORDER BY 1;
-- a table made by hand with a resource reports its resource's writes
CREATE FOREIGN TABLE imp3.adj (product_id bigint, amount numeric) SERVER glance OPTIONS (resource 'inventory_adjustments');
SELECT pg_relation_is_updatable('imp3.adj'::regclass, false);
DROP SCHEMA imp3 CASCADE;
