-- Writes: the requests they become and the remote state afterwards.
\! $SIMCTL reset
-- INSERT -> POST /inventory/create, RETURNING the remote record
INSERT INTO glance_inventory (product_id, warehouse_id, quantity, location)
VALUES (5, 3, 12, 'Bin 9') RETURNING id, product_id, warehouse_id, quantity, location;
\! $SIMCTL log --clear
\! $SIMCTL state glance inventory --id 251
-- a required column missing: a clear error before any request
INSERT INTO glance_inventory (warehouse_id, quantity) VALUES (1, 1);
\! $SIMCTL log --clear
-- UPDATE of location -> PUT /inventory/:id/edit with just that field
UPDATE glance_inventory SET location = 'Shelf Z1' WHERE id = 251;
\! $SIMCTL log --clear
\! $SIMCTL state glance inventory --id 251
-- SET quantity = quantity + n -> /inventory/adjust actions (the remote applies the difference)
UPDATE glance_inventory SET quantity = quantity + 3 WHERE id = 251;
\! $SIMCTL log --clear
\! $SIMCTL state glance inventory --id 251
-- ... batched: every record of warehouse 3 in as few adjust requests as the batch size allows
SELECT count(*) AS records, sum(quantity) AS before FROM glance_inventory WHERE warehouse_id = 3 \gset
\! $SIMCTL log-clear
UPDATE glance_inventory SET quantity = quantity - 1 WHERE warehouse_id = 3;
\! $SIMCTL log --clear
SELECT sum(quantity) = :before - :records AS all_adjusted FROM glance_inventory WHERE warehouse_id = 3;
\! $SIMCTL log-clear
-- the batch size follows batch_size
ALTER FOREIGN TABLE glance_inventory OPTIONS (ADD batch_size '30');
UPDATE glance_inventory SET quantity = quantity + 1 WHERE warehouse_id = 3;
\! $SIMCTL log --clear | grep -c adjust
ALTER FOREIGN TABLE glance_inventory OPTIONS (DROP batch_size);
-- with RETURNING, each row is its own request so it can return what the API did
UPDATE glance_inventory SET quantity = quantity + 10 WHERE id = 251 RETURNING id, quantity;
\! $SIMCTL log --clear
-- SET quantity = <value> is an edit, not an adjustment
UPDATE glance_inventory SET quantity = 7 WHERE id = 251;
\! $SIMCTL log --clear
-- an UPDATE the API cannot express fails at planning and names what can change
UPDATE glance_inventory SET warehouse_id = 2 WHERE id = 251;
\echo :LAST_ERROR_SQLSTATE
-- DELETE -> DELETE /inventory/:id/delete
DELETE FROM glance_inventory WHERE id = 251;
\! $SIMCTL log --clear
\! $SIMCTL state glance inventory --id 251
-- adjustments: insert-only, batched, RETURNING previous and new quantities (one request a row then)
INSERT INTO glance_inventory_adjustments (product_id, warehouse_id, amount, reason)
VALUES (1, 1, 5, 'recount'), (2, 1, -2, 'damaged')
RETURNING product_id, warehouse_id, amount, previous_quantity, new_quantity;
\! $SIMCTL log --clear
-- without RETURNING, rows go in batches
INSERT INTO glance_inventory_adjustments (product_id, warehouse_id, amount, reason)
SELECT g, 2, 1, 'bulk' FROM generate_series(10, 14) g;
\! $SIMCTL log --clear
SELECT * FROM glance_inventory_adjustments;
DELETE FROM glance_inventory_adjustments;
-- products: create, edit, delete
INSERT INTO glance_products (name, sku, unit, unit_cost, is_physical)
VALUES ('Gadget Max', 'GDG-MAX', 'unit', 19.90, true) RETURNING id, visible_id, name, sku, unit_cost;
\! $SIMCTL log --clear
UPDATE glance_products SET unit_cost = 21.5 WHERE sku = 'GDG-MAX';
\! $SIMCTL log --clear
\! $SIMCTL state glance products --sku GDG-MAX
DELETE FROM glance_products WHERE sku = 'GDG-MAX';
\! $SIMCTL log --clear
-- clients: ON CONFLICT DO NOTHING looks the email up first
INSERT INTO glance_clients (name, email, type, contact_first_name, contact_last_name, contact_phone)
VALUES ('Existing Ltd', 'existing@example.com', 'COMPANY', 'E', 'X', '000'),
       ('New Shop', 'new.shop@example.com', 'MURSHE', 'Nora', 'Shop', '050-1234567')
ON CONFLICT DO NOTHING
RETURNING name, email, contact_first_name;
\! $SIMCTL log --clear
\! $SIMCTL state glance clients --email new.shop@example.com | sed 's/"id":"[^"]*"/"id":"(uuid)"/'
-- running it again creates nothing
INSERT INTO glance_clients (name, email, type) VALUES ('New Shop', 'new.shop@example.com', 'MURSHE')
ON CONFLICT DO NOTHING;
\! $SIMCTL log --clear
UPDATE glance_clients SET name = 'New Shop Ltd' WHERE email = 'new.shop@example.com';
\! $SIMCTL log --clear
-- documents: an invoiceReceipt from an order, as in the integration guide
INSERT INTO glance_documents (type, client_name, client_email, identify_client_by, products, payments, send_to_client)
VALUES ('invoiceReceipt', 'New Shop Ltd', 'new.shop@example.com', 'email',
        '[{"description": "Widget Pro", "sku": "WDG-001", "units": 2, "price": 49.5}]',
        '[{"amount": 99, "paymentMethod": "creditCard", "date": "2026-11-23"}]', true)
RETURNING id, number, type, total;
\! $SIMCTL log --clear
-- type is required (it is part of the path)
INSERT INTO glance_documents (products) VALUES ('[]');
