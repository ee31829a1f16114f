-- Accounts as partitions: one foreign table per account (each on its own server), attached to a table
-- partitioned by an account column that each foreign table fills with OPTIONS (constant '...').
\! $SIMCTL reset
\! $SIMCTL config extend.client ACME,NORTH
\getenv sim_url SIM_URL
\set acme_url :sim_url /extend/RESTAPI/v1_0/ACME
\set north_url :sim_url /extend/RESTAPI/v1_0/NORTH
CREATE SERVER extend_acme FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'extend', base_url :'acme_url', rate_limit_per_minute '0', max_concurrency '1');
CREATE SERVER extend_north FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'extend', base_url :'north_url', rate_limit_per_minute '0', max_concurrency '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER extend_acme OPTIONS (username 'extend-user', password 'extend-pass');
CREATE USER MAPPING FOR CURRENT_USER SERVER extend_north OPTIONS (username 'extend-user', password 'extend-pass');
CREATE TABLE customers (account text NOT NULL, customer_number text, name text, delivery_city text)
  PARTITION BY LIST (account);
CREATE FOREIGN TABLE customers_acme (account text OPTIONS (constant 'acme') NOT NULL, customer_number text,
  name text, delivery_city text) SERVER extend_acme OPTIONS (resource 'customers');
ALTER TABLE customers ATTACH PARTITION customers_acme FOR VALUES IN ('acme');
-- a partition can also be created in place; the column option is then added
CREATE FOREIGN TABLE customers_north PARTITION OF customers FOR VALUES IN ('north')
  SERVER extend_north OPTIONS (resource 'customers');
ALTER FOREIGN TABLE customers_north ALTER COLUMN account OPTIONS (ADD constant 'north');
-- WHERE account = 'north': partition pruning, only the north account's server is asked
EXPLAIN (VERBOSE, COSTS OFF) SELECT customer_number, name FROM customers WHERE account = 'north';
SELECT account, customer_number, name FROM customers WHERE account = 'north' AND customer_number = '10001';
\! $SIMCTL log --clear
-- every account: one request series each, every row says which account it came from
SELECT account, count(*) FROM customers GROUP BY account ORDER BY account;
\! $SIMCTL log --clear --sort
-- conditions on the other columns push down in each partition
SELECT account, customer_number, name FROM customers WHERE name = 'Anna' ORDER BY account;
\! $SIMCTL log --clear --sort
-- the constant column cannot be updated; only "constant" is a column option
UPDATE customers_north SET account = 'acme' WHERE customer_number = '10001';
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE customers_north ALTER COLUMN name OPTIONS (ADD json_path 'name');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
DROP TABLE customers;
DROP SERVER extend_acme CASCADE;
DROP SERVER extend_north CASCADE;
\! $SIMCTL config extend.client ACME
