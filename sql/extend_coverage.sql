-- Extend coverage: the single customer and its master data, order date-times and shipments, the product
-- list's supplier filters and the single product's data.
\! $SIMCTL reset
-- customer_number = x: the single customer (Customers/{id}, as the guide says), with the fields only it has
SELECT customer_number, name, invoice_address, invoice_postal_code, invoice_city, country_code, vat_number,
       payment_terms, delivery_terms, customer_group, language_code, blocked
FROM extend_customers WHERE customer_number = '10012';
\! $SIMCTL log --clear
-- an unknown customer: no row (404)
SELECT customer_number FROM extend_customers WHERE customer_number = '99999';
\! $SIMCTL log --clear
-- the list's columns come from the list; the single customer's only when read, one request per row
SELECT customer_number, name FROM extend_customers WHERE changed_at >= '2026-09-01' ORDER BY 1;
\! $SIMCTL log --clear
SELECT customer_number, country_code, blocked FROM extend_customers WHERE changed_at >= '2026-09-01' ORDER BY 1;
\! $SIMCTL log --clear
-- orders: order_date is the day (date, as the interface fixes); order_datetime keeps the time and its zone
SET timezone = 'Europe/Stockholm';
SELECT order_number, order_date, order_datetime FROM extend_customer_orders WHERE order_number = '100003';
\! $SIMCTL log --clear
SELECT order_number, order_datetime FROM extend_customer_orders
WHERE order_datetime >= '2026-10-15 00:00+00' AND order_datetime < '2026-10-20 00:00+00' ORDER BY 1;
\! $SIMCTL log --clear
RESET timezone;
-- shipments: what the guide fetches with CustomerOrders/{id} after an order hook
SELECT order_number, order_status, jsonb_array_length(shipments) AS shipments FROM extend_customer_orders
WHERE order_number IN ('100001', '100002') ORDER BY 1;
\! $SIMCTL log --clear
SELECT * FROM extend_customer_order_shipments WHERE order_number = '100002';
\! $SIMCTL log --clear
SELECT o.order_number, s.shipment_number, s.shipped_at, s.tracking_number, jsonb_array_length(s.rows) AS rows
FROM extend_customer_orders o JOIN extend_customer_order_shipments s ON s.order_number = o.order_number
WHERE o.order_status = 'Terminated' ORDER BY 1;
\! $SIMCTL log --clear
-- an order that does not exist has no shipments (404: no rows)
SELECT count(*) FROM extend_customer_order_shipments WHERE order_number = '999999';
\! $SIMCTL log --clear
-- without an order: refused, naming the column
SELECT count(*) FROM extend_customer_order_shipments;
\echo :LAST_ERROR_SQLSTATE
-- products: supply_mode, supplier_number and supplier_product_number = push down (supplyMode, supplierNumber,
-- supplierProductNumber); the supplier columns echo their condition
SELECT product_number, supply_mode, supplier_number FROM extend_products
WHERE supplier_number = 'SUP-2' AND supply_mode = 'Warehouse' ORDER BY 1 LIMIT 3;
\! $SIMCTL log --clear
SELECT product_number, supplier_product_number FROM extend_products WHERE supplier_product_number = 'S2-0004';
\! $SIMCTL log --clear
-- the statistical categories come with the list; description, enabled, annulled, changed_by and
-- external_changed_date with the single product, per product only when read
SELECT product_number, statistical_category1, statistical_category2, statistical_category3 FROM extend_products
WHERE warehouse = 'GBG' AND supplier_number = 'SUP-1' ORDER BY 1;
\! $SIMCTL log --clear
SELECT product_number, description, enabled, annulled, changed_by, external_changed_date FROM extend_products
WHERE product_number = 'ART-1035';
\! $SIMCTL log --clear
SELECT product_number, enabled, statistical_category3 FROM extend_products
WHERE supplier_number = 'SUP-1' AND warehouse = 'MAIN' ORDER BY 1;
\! $SIMCTL log --clear
