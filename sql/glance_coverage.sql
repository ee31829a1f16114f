-- Glance coverage: a document's client type (client.type in the create body's client{}).
\! $SIMCTL reset
INSERT INTO glance_documents (type, client_name, client_email, client_type, identify_client_by, products)
VALUES ('invoice', 'Kibbutz Store', 'store@kibbutz.example', 'COMPANY', 'email',
        '[{"description": "Bread", "units": 2, "price": 10}]')
RETURNING type, client_name, client_email, total;
\! $SIMCTL log --clear
-- the client the document created has that type
SELECT name, email, type FROM glance_clients WHERE email = 'store@kibbutz.example';
\! $SIMCTL log-clear
-- a type the API does not know is refused by it (22023), nothing created
INSERT INTO glance_documents (type, client_name, client_email, client_type, products)
VALUES ('invoice', 'Odd Store', 'odd@store.example', 'CHAIN', '[{"description": "Bread", "price": 10}]');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
SELECT count(*) FROM glance_clients WHERE email = 'odd@store.example';
\! $SIMCTL log-clear
