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
