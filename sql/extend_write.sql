-- Extend writes: the requests they become and the remote state afterwards; errors.
\! $SIMCTL reset
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- customers: INSERT -> POST Customers, the body under the names the list answers with;
-- RETURNING gives what the API stored (the new customer number, the change date)
INSERT INTO extend_customers (name, organization_number, email, phone, delivery_address, delivery_postal_code,
                              delivery_city, credit_limit, invoice_email)
VALUES ('Norrlands Hem AB', '556677-8899', 'order@norrlandshem.example.com', '0920-123 45', 'Storgatan 9', '972 31',
        'Luleå', 20000, 'faktura@norrlandshem.example.com')
RETURNING customer_number, name, credit_limit, credit_limit_currency, changed_at;
\! $SIMCTL log --clear
\! $SIMCTL state extend customers --customer-number 10013
-- a customer number that is taken: HTTP 400 -> 22023 with the API's message
INSERT INTO extend_customers (customer_number, name) VALUES ('10001', 'Dubblett AB');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- UPDATE -> PUT Customers/{customer_number} with the changed fields only
UPDATE extend_customers SET credit_limit = 35000, phone = '0920-543 21' WHERE customer_number = '10013';
\! $SIMCTL log --clear
\! $SIMCTL state extend customers --customer-number 10013
-- what the API cannot do fails at planning, before any request, and says why
UPDATE extend_customers SET customer_number = '20000' WHERE customer_number = '10013';
DELETE FROM extend_customers WHERE customer_number = '10013';
INSERT INTO extend_product_prices (customer_number, product_number) VALUES ('10001', 'ART-1001');
UPDATE extend_product_availability SET available_balance = 0 WHERE product_number = 'ART-1001';
DELETE FROM extend_customer_orders WHERE order_number = '100001';
\! $SIMCTL log --clear

-- customer orders: INSERT -> POST CustomerOrders, the header from the columns (the documented ones:
-- orderType, orderNumberExternal, customerNumber, askedDeliveryDate, partialDelivery, freightFree; the ERP
-- dates the order itself, so order_date is not sent), the rows from order_rows (sent as they are);
-- RETURNING gives the order number and status the ERP gave it
INSERT INTO extend_customer_orders (order_number_external, customer_number, order_date, asked_delivery_date,
                                    order_rows)
VALUES ('GC-70001', '10003', '2026-11-23', '2026-11-30',
        '[{"product": {"productNumber": "ART-1001"},
           "salesData": {"quantity": 2, "unitPrice": 160, "currency": "SEK"}, "warehouse": "MAIN"},
          {"product": {"productNumber": "ART-1004"}, "salesData": {"quantity": 1}}]')
RETURNING order_number, order_number_external, order_status, order_type, order_date, asked_delivery_date,
          jsonb_array_length(order_rows) AS rows;
\! $SIMCTL log --clear
\! $SIMCTL state extend orders --order-number-external GC-70001
-- the header flags: partial_delivery and freight_free (detail columns: the list items lack them)
INSERT INTO extend_customer_orders (order_type, order_number_external, customer_number, partial_delivery,
                                    freight_free, order_rows)
VALUES ('WebshopOrder', 'GC-70009', '10003', false, true,
        '[{"product": {"productNumber": "ART-1002"}, "salesData": {"quantity": 1}}]')
RETURNING order_number, order_type, partial_delivery, freight_free;
\! $SIMCTL log --clear
SELECT order_number_external, partial_delivery, freight_free FROM extend_customer_orders
WHERE order_number_external IN ('GC-70001', 'GC-70009') ORDER BY 1;
\! $SIMCTL log --clear

-- the idempotent order insert: ON CONFLICT DO NOTHING looks each order_number_external up first and
-- places only the orders the ERP does not have. First run: GC-70001 exists, GC-70002 is new
INSERT INTO extend_customer_orders (order_number_external, customer_number, order_rows)
VALUES ('GC-70001', '10003', '[{"product": {"productNumber": "ART-1001"}, "salesData": {"quantity": 2}}]'),
       ('GC-70002', '10004', '[{"product": {"productNumber": "ART-1002"}, "salesData": {"quantity": 5}}]')
ON CONFLICT DO NOTHING;
\! $SIMCTL log --clear
-- ... the same statement again (a retried sync): lookups only, nothing placed twice
INSERT INTO extend_customer_orders (order_number_external, customer_number, order_rows)
VALUES ('GC-70001', '10003', '[{"product": {"productNumber": "ART-1001"}, "salesData": {"quantity": 2}}]'),
       ('GC-70002', '10004', '[{"product": {"productNumber": "ART-1002"}, "salesData": {"quantity": 5}}]')
ON CONFLICT DO NOTHING;
\! $SIMCTL log --clear
SELECT order_number_external, count(*) AS orders FROM extend_customer_orders
WHERE order_number_external IN ('GC-70001', 'GC-70002') GROUP BY 1 ORDER BY 1;
\! $SIMCTL log-clear
-- without ON CONFLICT the ERP takes a second order with the same external number
INSERT INTO extend_customer_orders (order_number_external, customer_number, order_rows)
VALUES ('GC-70002', '10004', '[{"product": {"productNumber": "ART-1002"}, "salesData": {"quantity": 5}}]');
\! $SIMCTL log --clear
\! $SIMCTL state extend orders --order-number-external GC-70002 | grep -o '"orderNumber":"[0-9]*"'
EXPLAIN (VERBOSE, COSTS OFF)
INSERT INTO extend_customer_orders (order_number_external, customer_number, order_rows)
VALUES ('GC-70003', '10004', '[]') ON CONFLICT DO NOTHING;

-- the missing customer: HTTP 400 -> 22023 with the ERP's message; nothing is placed
INSERT INTO extend_customer_orders (order_number_external, customer_number, order_rows)
VALUES ('GC-70004', '99999', '[{"product": {"productNumber": "ART-1001"}, "salesData": {"quantity": 1}}]');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
\! $SIMCTL state extend orders --order-number-external GC-70004
-- a product the ERP does not know
INSERT INTO extend_customer_orders (customer_number, order_rows)
VALUES ('10001', '[{"product": {"productNumber": "NOPE-1"}, "salesData": {"quantity": 1}}]');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- customer_number and order_rows are required: an error before any request
INSERT INTO extend_customer_orders (customer_number) VALUES ('10001');
INSERT INTO extend_customer_orders (order_rows) VALUES ('[]');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear

-- webshop orders placed as customer orders in one INSERT ... SELECT ... ON CONFLICT DO NOTHING
-- (docs/extend.md runs this over gcommerce_orders and gcommerce_order_items; local tables stand in here)
CREATE TEMP TABLE webshop_orders (order_id bigint, email text, created_at timestamptz, status text);
CREATE TEMP TABLE webshop_order_items (order_id bigint, product_code text, amount int, price numeric);
CREATE TEMP TABLE customer_map (email text PRIMARY KEY, customer_number text);
INSERT INTO webshop_orders VALUES
  (501, 'anna@annalindqvist.example.com', '2026-11-22 18:30+00', 'P'),
  (502, 'orders@skanekontor.example.com', '2026-11-23 08:05+00', 'P'),
  (503, 'orders@skanekontor.example.com', '2026-11-23 09:00+00', 'O');
INSERT INTO webshop_order_items VALUES (501, 'ART-1001', 1, 159.00), (501, 'ART-1005', 2, 49.50),
                                       (502, 'ART-1010', 4, 89.00), (503, 'ART-1011', 1, 10.00);
INSERT INTO customer_map VALUES ('anna@annalindqvist.example.com', '10003'),
                                ('orders@skanekontor.example.com', '10005');
CREATE TEMP VIEW webshop_to_extend AS
SELECT 'GC-' || o.order_id AS order_number_external, m.customer_number, o.created_at::date AS order_date,
       (SELECT jsonb_agg(jsonb_build_object('product', jsonb_build_object('productNumber', i.product_code),
                                            'salesData', jsonb_build_object('quantity', i.amount,
                                                                            'unitPrice', i.price,
                                                                            'currency', 'SEK'))
                         ORDER BY i.product_code)
        FROM webshop_order_items i WHERE i.order_id = o.order_id) AS order_rows
FROM webshop_orders o JOIN customer_map m USING (email)
WHERE o.status = 'P';
INSERT INTO extend_customer_orders (order_number_external, customer_number, order_date, order_rows)
SELECT order_number_external, customer_number, order_date, order_rows FROM webshop_to_extend
ON CONFLICT DO NOTHING;
\! $SIMCTL log --clear --sort
-- the sync again: nothing placed twice
INSERT INTO extend_customer_orders (order_number_external, customer_number, order_date, order_rows)
SELECT order_number_external, customer_number, order_date, order_rows FROM webshop_to_extend
ON CONFLICT DO NOTHING;
\! $SIMCTL log --clear --sort
SELECT order_number, order_number_external, customer_number, customer_name, order_status, order_date, total_price
FROM extend_customer_orders WHERE order_number_external IN ('GC-501', 'GC-502') ORDER BY 2;
\! $SIMCTL log-clear

-- authentication: a wrong password is HTTP 401 -> 28000; the credentials are never shown
\getenv sim_url SIM_URL
\set extend_url :sim_url /extend/RESTAPI/v1_0/ACME
CREATE SERVER extend_badpw FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'extend', base_url :'extend_url', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER extend_badpw
  OPTIONS (username 'extend-user', password 'sekrit-wrong-password');
CREATE FOREIGN TABLE badpw_products (product_number text) SERVER extend_badpw OPTIONS (resource 'products');
SELECT * FROM badpw_products WHERE product_number = 'ART-1001';
\echo :LAST_ERROR_SQLSTATE
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM badpw_products;
\! $SIMCTL log --clear
-- both secrets are required in the user mapping
ALTER USER MAPPING FOR CURRENT_USER SERVER extend_badpw OPTIONS (DROP password);
SELECT * FROM badpw_products;
\echo :LAST_ERROR_SQLSTATE
-- extend has no default base_url (the host and client segment are each customer's own)
CREATE SERVER extend_nourl FOREIGN DATA WRAPPER commerce_fdw OPTIONS (api 'extend');
CREATE USER MAPPING FOR CURRENT_USER SERVER extend_nourl OPTIONS (username 'u', password 'p');
CREATE FOREIGN TABLE nourl_products (product_number text) SERVER extend_nourl OPTIONS (resource 'products');
SELECT * FROM nourl_products;
\echo :LAST_ERROR_SQLSTATE
DROP SERVER extend_badpw, extend_nourl CASCADE;
\! $SIMCTL log --clear
