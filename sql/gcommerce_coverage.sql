-- G-Commerce coverage: every documented product filter, the documented fields of products, orders and
-- shipments, the bulk update's attributes, and the remote sorts of purchase orders and shipments.
\! $SIMCTL reset
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
-- free_shipping = -> free_shipping=Y/N. The list does not return the (detail) column: the rows found
-- take the condition's value, so reading it costs no per-row request; the filter is exact, so the
-- LIMIT goes along and count(*) comes from the list's total
EXPLAIN (VERBOSE, COSTS OFF) SELECT product_id, free_shipping FROM gcommerce_products WHERE free_shipping LIMIT 3;
SELECT product_id, product, free_shipping FROM gcommerce_products WHERE free_shipping LIMIT 3;
\! $SIMCTL log --clear
SELECT count(*) FROM gcommerce_products WHERE NOT free_shipping;
\! $SIMCTL log --clear
-- search = 'term': the API's own search of names, short and full descriptions (q with pname, pshort and
-- pfull); the column echoes the term. "item 44" is only in the full description of product 44
SELECT product_id, product, search FROM gcommerce_products WHERE search = 'item 44';
\! $SIMCTL log --clear
-- full_description / short_description =, LIKE, ILIKE: q with pfull=Y / pshort=Y (the pattern's literal part),
-- a superset PostgreSQL rechecks, which needs the detail column: one request per row found
SELECT product_id, full_description FROM gcommerce_products WHERE full_description ILIKE '%ITEM 12 OF%';
\! $SIMCTL log --clear
SELECT product_id FROM gcommerce_products WHERE short_description LIKE '%Printer%';
\! $SIMCTL log --clear
-- category_tree = c: the products of category c and of every category below it (cid with subcats=Y);
-- category_ids @> / main_category = send cid alone (that category only)
SELECT count(*) FROM gcommerce_products WHERE category_tree = 8211;
\! $SIMCTL log --clear
SELECT count(*) FROM gcommerce_products WHERE category_ids @> '{8211}';
\! $SIMCTL log --clear
SELECT product_id, main_category, category_tree FROM gcommerce_products WHERE category_tree = 8211 AND amount >= 200
ORDER BY product_id;
\! $SIMCTL log --clear
-- order_id = / IN: the products of those orders (order_ids, "Comma-separated list of order IDs"): one request
-- for the whole list; a single order is echoed in order_id, several read NULL (the answer does not say which
-- order a product was found in), and the condition is the API's (not rechecked against that NULL)
SELECT order_id, product_id, product_code FROM gcommerce_products WHERE order_id IN (1001, 1002) ORDER BY 1, 2;
\! $SIMCTL log --clear
SELECT order_id, product_id, product_code FROM gcommerce_products WHERE order_id = 1001 ORDER BY 1, 2;
\! $SIMCTL log --clear
EXPLAIN (VERBOSE, COSTS OFF) SELECT product_id FROM gcommerce_products WHERE order_id IN (1, 13, 24);
SELECT count(*) FROM gcommerce_products WHERE order_id IN (1, 13, 24);
\! $SIMCTL log --clear
SELECT order_id, product_id, product_code FROM gcommerce_order_items WHERE order_id IN (1001, 1002) ORDER BY 1, 2;
\! $SIMCTL log-clear
-- the product's detail fields (SEO, images, availability, boxes, ...): one request
SELECT product_id, lang_code, page_title, meta_description, meta_keywords, search_words, short_description,
       shortname, promo_text, product_notice, age_warning_message, ebay_title, ebay_description, avail_since,
       image_path, main_pair, image_pairs, product_features, inventory_location, external_product_id, featured,
       average_rating, list_qty_count, shipping_freight, min_items_in_box, max_items_in_box, box_length, box_width,
       box_height, override, premoderation_reason
FROM gcommerce_products WHERE product_id = 217005;
\! $SIMCTL log --clear
-- they are written by POST /products and PUT /products/:id (image_path is main_pair.detailed.image_path,
-- avail_since epoch seconds)
INSERT INTO gcommerce_products (product, product_code, price, main_category, lang_code, page_title, meta_description,
                                avail_since, image_path, image_pairs)
VALUES ('Filament Dryer', 'WDG-901', 89, 8212, 'en', 'Filament Dryer | G-Commerce', 'Keeps filament dry',
        '2026-12-01 00:00:00+00', 'https://store.com/images/WDG-901.jpg',
        '[{"position": 1, "detailed": {"image_path": "https://store.com/images/WDG-901_1.jpg"}}]')
RETURNING product_id;
\! $SIMCTL log --clear
UPDATE gcommerce_products SET page_title = 'Dryer', avail_since = '2027-01-01 00:00:00+00' WHERE product_id = 217058;
\! $SIMCTL log --clear
SELECT product_id, page_title, meta_description, avail_since AT TIME ZONE 'UTC' AS avail_since_utc, image_path,
       image_pairs
FROM gcommerce_products WHERE product_id = 217058;
\! $SIMCTL log-clear
-- the bulk update's attributes go through POST /products_bulk as amount and price do (abilityone as Y/N,
-- product_upc_code as upc), the rows of a statement together
UPDATE gcommerce_products
SET manufacturer_name = 'Dell', manufacturer_part_number = 'AS3456', country_of_origin = 'US', unit_of_measure = 'EA',
    abilityone = true, unspsc = '53120000', eccn = '5A992', product_upc_code = '012345678905'
WHERE product_id IN (217001, 217002);
\! $SIMCTL log --clear
\! $SIMCTL state gcommerce products --id 217002 | grep -o '"\(abilityone\|country_of_origin\|eccn\|manufacturer_name\|manufacturer_part_number\|product_upc_code\|unit_of_measure\|unspsc\)":"[^"]*"'
-- no answer returns them: they read as NULL
SELECT product_id, manufacturer_name, abilityone, unspsc FROM gcommerce_products WHERE product_id = 217002;
\! $SIMCTL log-clear
-- brand (and the other feed-only attributes) no update takes: refused before any request, naming what can change
UPDATE gcommerce_products SET brand = 'Dell' WHERE product_id = 217002;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
-- orders: every field of the single-object answer (shipping_ids, payment_id, total_weight, ...)
SELECT order_id, shipping_ids, payment_id, total_weight, subtotal_discount, payment_surcharge, tax_subtotal,
       display_subtotal, display_shipping_cost, secondary_currency, need_shipping, shipment_ids, promotion_ids,
       promotions, taxes, payment_info, details, lang_code, repaid, validation_code, po_number, payment_terms, fax,
       url, s_address_type, b_country_descr, b_state_descr, s_country_descr, s_state_descr
FROM gcommerce_orders WHERE order_id = 1005;
\! $SIMCTL log --clear
-- shipments: carrier_info.name as carrier_name, group_key, one_full; user_id only from the single shipment
-- (a per-row request when read); ORDER BY status -> sort_by=status
SELECT shipment_id, status, carrier, carrier_name, group_key, one_full, user_id FROM gcommerce_shipments ORDER BY status;
\! $SIMCTL log --clear
EXPLAIN (VERBOSE, COSTS OFF) SELECT shipment_id, status FROM gcommerce_shipments ORDER BY status DESC LIMIT 1;
SELECT shipment_id, status FROM gcommerce_shipments ORDER BY status DESC LIMIT 1;
\! $SIMCTL log --clear
SELECT shipment_id FROM gcommerce_shipments ORDER BY shipment_id DESC LIMIT 2;
\! $SIMCTL log --clear
-- purchase orders: ORDER BY created_at -> sort_by=date
SELECT purchase_order_id, created_at FROM gcommerce_purchase_orders ORDER BY created_at DESC LIMIT 2;
\! $SIMCTL log --clear
-- 509 "Bandwidth Limit Exceeded -- The requests-per-hour limitations for the API have been reached": a read
-- fails naming the hourly limit, with a HINT (when to retry, how to spread jobs); it is not retried
\! $SIMCTL fault --api gcommerce --status 509
SELECT count(*) FROM gcommerce_categories;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
-- a write refused with 509 did not run: its row is "not applied" (not unknown), and the order is unchanged
SELECT status FROM gcommerce_orders WHERE order_id = 1001;
\! $SIMCTL fault --api gcommerce --method PUT --status 509
UPDATE gcommerce_orders SET status = 'C' WHERE order_id = 1001;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear --status
SELECT status FROM gcommerce_orders WHERE order_id = 1001;
\! $SIMCTL log-clear
-- 413 "more objects than the allowed maximum": the message names the page size sent, the HINT the option
\! $SIMCTL config gcommerce.page_cap 50
SELECT max(product) FROM gcommerce_products WHERE amount >= 0;
\echo :LAST_ERROR_SQLSTATE
\! $SIMCTL log --clear
ALTER FOREIGN TABLE gcommerce_products OPTIONS (ADD page_size '50');
SELECT max(product) FROM gcommerce_products WHERE amount >= 0;
\! $SIMCTL log-clear
ALTER FOREIGN TABLE gcommerce_products OPTIONS (DROP page_size);
\! $SIMCTL config gcommerce.page_cap 100
-- rate_limit_per_hour paces requests ahead of the hourly limit: 1800 an hour is one request every 2 s, slower
-- than this server's rate_limit_per_minute (0: none), so 3 requests wait about 4 s
\getenv sim_url SIM_URL
\set gcommerce_url :sim_url /gcommerce
CREATE SERVER gc_hourly FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url :'gcommerce_url', rate_limit_per_minute '0', rate_limit_per_hour '1800');
CREATE USER MAPPING FOR CURRENT_USER SERVER gc_hourly OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
CREATE FOREIGN TABLE hourly_products (product_id bigint, product text) SERVER gc_hourly OPTIONS (resource 'products');
SELECT commerce_fdw_stats_reset();
SELECT product_id FROM hourly_products WHERE product_id IN (217001, 217002, 217003) ORDER BY product_id;
SELECT server, requests, rate_limit_wait_ms >= 3500 AS paced FROM commerce_fdw_stats() WHERE server = 'gc_hourly';
\! $SIMCTL log --clear
ALTER SERVER gc_hourly OPTIONS (SET rate_limit_per_hour '-1');
DROP SERVER gc_hourly CASCADE;
