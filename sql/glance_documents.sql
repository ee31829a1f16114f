-- Glance documents: open and sku filters, visible ids, and the idempotent orders -> invoices job.
\! $SIMCTL reset
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- open = -> open; the column reads the document's flag
SELECT id, type, date, open FROM glance_documents WHERE open AND type = 'invoice' ORDER BY id;
\! $SIMCTL log --clear
SELECT count(*) FROM glance_documents WHERE NOT open;
\! $SIMCTL log --clear
-- sku = -> sku: documents with a line of that SKU; the column echoes the term
SELECT id, sku, products @> jsonb_build_array(jsonb_build_object('sku', sku)) AS has_line
FROM glance_documents WHERE sku = (SELECT products->0->>'sku' FROM glance_documents WHERE id = 'D-5002');
\! $SIMCTL log --clear
-- id is the visible id, and /documents/id/:visibleId takes it
SELECT id, number, raw->>'id' <> id AS internal_id_differs FROM glance_documents WHERE id = 'D-5003';
\! $SIMCTL log --clear

-- The orders -> invoices job, run twice. The source is a table of paid webshop orders (G-Commerce orders
-- or any other). ON CONFLICT DO NOTHING looks each document up first (one list request: type, date and
-- client id when given) and skips one of the same type, date, client and total.
CREATE TABLE paid_orders (order_id int, email text, name text, paid_on date, sku text, units int, price numeric);
INSERT INTO paid_orders VALUES
  (9001, 'new.buyer@example.com', 'New Buyer', '2026-11-20', 'WDG-001', 2, 49.50),
  (9002, 'existing@example.com', 'Existing Ltd', '2026-11-21', 'WDG-002', 1, 120.00),
  (9003, 'new.buyer@example.com', 'New Buyer', '2026-11-21', 'WDG-003', 3, 10.00);
CREATE VIEW invoices_to_issue AS
SELECT 'invoiceReceipt' AS type, name AS client_name, email AS client_email, 'email' AS identify_client_by,
       paid_on AS date, units * price AS total,
       jsonb_build_array(jsonb_build_object('description', 'Order ' || order_id, 'sku', sku, 'units', units,
                                            'price', price)) AS products,
       jsonb_build_array(jsonb_build_object('amount', units * price, 'paymentMethod', 'creditCard',
                                            'date', paid_on)) AS payments
FROM paid_orders;
INSERT INTO glance_documents (type, client_name, client_email, identify_client_by, date, total, products, payments)
SELECT type, client_name, client_email, identify_client_by, date, total, products, payments FROM invoices_to_issue
ON CONFLICT DO NOTHING;
\! $SIMCTL log --clear
\! $SIMCTL state glance documents --type invoiceReceipt | grep -c Order
-- the second run creates nothing: three lookups, no POST
INSERT INTO glance_documents (type, client_name, client_email, identify_client_by, date, total, products, payments)
SELECT type, client_name, client_email, identify_client_by, date, total, products, payments FROM invoices_to_issue
ON CONFLICT DO NOTHING;
\! $SIMCTL log --clear
\! $SIMCTL state glance documents --type invoiceReceipt | grep -c Order
-- a new order is the only one created
INSERT INTO paid_orders VALUES (9004, 'existing@example.com', 'Existing Ltd', '2026-11-21', 'WDG-002', 2, 120.00);
INSERT INTO glance_documents (type, client_name, client_email, identify_client_by, date, total, products, payments)
SELECT type, client_name, client_email, identify_client_by, date, total, products, payments FROM invoices_to_issue
ON CONFLICT DO NOTHING;
\! $SIMCTL log --clear
SELECT id, type, date, client_email, total FROM glance_documents
WHERE type = 'invoiceReceipt' AND date >= '2026-11-20' ORDER BY id;
\! $SIMCTL log --clear
DROP VIEW invoices_to_issue;
DROP TABLE paid_orders;

-- the fields the documents name are columns: clients' contacts and addresses, products' serial-number and
-- inventory flags
SELECT id, jsonb_array_length(contacts) AS contacts, contacts->0->>'lastName' AS last_name, addresses
FROM glance_clients WHERE id = 'C-1001';
SELECT id, track_serial_numbers, is_with_inventory, is_physical FROM glance_products WHERE id IN (12, 13) ORDER BY id;
\! $SIMCTL log --clear
