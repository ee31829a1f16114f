-- commerce_fdw_stats(): per-server counters, and their reset.
SELECT commerce_fdw_stats_reset();
SELECT count(*) FROM commerce_fdw_stats();
SELECT id FROM glance_inventory WHERE id = 1;
SELECT count(*) FROM (SELECT id FROM glance_inventory WHERE warehouse_id = 1) s;
SELECT server, requests, errors, retries, http_429, rows_returned, bytes_received > 0 AS got_bytes
FROM commerce_fdw_stats();
SELECT commerce_fdw_stats_reset();
SELECT count(*) FROM commerce_fdw_stats();
