-- Creating products through the bulk upload: with the table option insert_via 'feed', an INSERT sends its rows
-- to POST /products_feed, up to 10,000 a request (at 10 requests a minute, 1,000 products are one request
-- instead of 100 minutes of POST /products).
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
-- the option takes 'create' (the default: POST /products, one request a row) or 'feed'
ALTER FOREIGN TABLE gcommerce_products OPTIONS (ADD insert_via 'bulk');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE gcommerce_products OPTIONS (ADD insert_via 'feed');
EXPLAIN (COSTS OFF)
INSERT INTO gcommerce_products (product, price, category_ids) SELECT 'P' || g, g, '{8213}' FROM generate_series(1, 3) g;
-- every field the feed documents: product_code goes as code, product_upc_code as upc, category_ids as a
-- comma-separated list, images joined by ///, the flags as Y/N
INSERT INTO gcommerce_products (product, product_code, full_description, price, amount, unit_of_measure,
                                manufacturer_name, manufacturer_part_number, country_of_origin, product_upc_code,
                                unspsc, eccn, category_ids, images, weight, free_shipping, brand, abilityone,
                                made_in_usa, green_product)
VALUES ('3D Printer XL', 'B1224059', '<p>Product html description</p>', 132.33, 150, 'EA', 'Dell', 'AS3456', 'USA',
        '98765432345432', '12323', '123213', '{8212,8211}',
        '{https://store.com/images/products/PRD_9345_1.jpg,https://store.com/images/products/PRD_9345_2.jpg}', 13,
        false, 'Dell', true, true, false);
\! $SIMCTL log --clear
-- the answer is a queue id; the API has no request that reports a queue's progress (it mails the vendor when
-- the upload is received, processing and completed). The outcome is the products themselves: look them up
-- by code once the queue is processed (the simulator processes it at once)
\! $SIMCTL state gcommerce feeds
SELECT product_id, product, product_code, price, amount, category_ids, free_shipping, image_path
FROM gcommerce_products WHERE product_code = 'B1224059';
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce products --code B1224059 | grep -o '"\(brand\|abilityone\|made_in_usa\|green_product\|manufacturer_name\|product_upc_code\)":"[^"]*"'
-- RETURNING cannot be answered from a queue: refused before any request
INSERT INTO gcommerce_products (product, price, category_ids) VALUES ('Returned?', 1, '{8213}') RETURNING product_id;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- 1,000 products in one statement: one request of 1,000 items
INSERT INTO gcommerce_products (product, product_code, price, amount, category_ids)
SELECT 'Feed product ' || g, 'FEED-' || lpad(g::text, 4, '0'), 10 + g / 100.0, g % 50, '{8213}'
FROM generate_series(1, 1000) g;
\! $SIMCTL log --clear | awk '/^gcommerce/ { n++; print; next } /^    / { print "    " gsub(/"code":/, "") " items" } END { print n " request(s)" }'
\! $SIMCTL state gcommerce feeds
SELECT count(*), min(product_id), max(product_id) FROM gcommerce_products WHERE product_code LIKE 'FEED-%';
\! $SIMCTL log-clear
-- batch_size lowers the items a request: 1,000 rows in batches of 400 are 3 requests
ALTER FOREIGN TABLE gcommerce_products OPTIONS (ADD batch_size '400');
INSERT INTO gcommerce_products (product, price, category_ids)
SELECT 'Small feed ' || g, 5, '{8213}' FROM generate_series(1, 1000) g;
\! $SIMCTL log --clear | awk '/^gcommerce/ { n++; print; next } /^    / { print "    " gsub(/"product":/, "") " items" } END { print n " request(s)" }'
ALTER FOREIGN TABLE gcommerce_products OPTIONS (DROP batch_size);
-- an item the API rejects fails the whole upload (it checks every item first): nothing is created
INSERT INTO gcommerce_products (product, price, category_ids) VALUES ('Good', 1, '{8213}'), ('Bad', 1, '{9999}');
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
SELECT count(*) FROM gcommerce_products WHERE product = 'Good';
\! $SIMCTL log-clear
-- UPDATE and DELETE do not change with the option
UPDATE gcommerce_products SET amount = 3 WHERE product_id = 217001;
\! $SIMCTL log --clear
-- back to POST /products
ALTER FOREIGN TABLE gcommerce_products OPTIONS (DROP insert_via);
INSERT INTO gcommerce_products (product, price, category_ids) VALUES ('One by one', 1, '{8213}') RETURNING product_id;
\! $SIMCTL log --clear
