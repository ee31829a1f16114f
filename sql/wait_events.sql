-- While a backend waits on the network or on a rate budget, pg_stat_activity shows the wait
-- (wait_event_type 'Extension'; PostgreSQL 15 has one name for every extension's waits), and
-- commerce_fdw_activity() tells which: state http or rate_limit. One session runs a query, another
-- watches it.
\! $SIMCTL reset
\setenv PGDATABASE :DBNAME
CREATE FUNCTION wait_of(marker text, want_state text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  -- until the other session is seen waiting in its request (at most 20 s)
  FOR i IN 1..400 LOOP
    PERFORM pg_stat_clear_snapshot();
    SELECT pid, wait_event_type, wait_event INTO r FROM pg_stat_activity
    WHERE query LIKE '%' || marker || '%' AND pid <> pg_backend_pid() AND state = 'active';
    IF r.wait_event_type = 'Extension' AND EXISTS (SELECT FROM commerce_fdw_activity() a
                                                   WHERE a.pid = r.pid AND a.state = want_state) THEN
      RETURN r.wait_event_type || ' / ' || r.wait_event || ', activity: ' ||
        (SELECT string_agg(a.server || ' ' || a.method || ' ' || a.path || ' ' || a.state, ', ')
         FROM commerce_fdw_activity() a WHERE a.pid = r.pid);
    END IF;
    PERFORM pg_sleep(0.05);
  END LOOP;
  RETURN 'no wait seen';
END $$;
-- 1. the network: the API takes 3 s to answer
\! $SIMCTL fault --api glance --method GET --path-prefix /inventory/12 --latency-ms 3000 --count 1
\! rm -f /tmp/cfdw_wait_$PGPORT.out; ("$(pg_config --bindir)/psql" -X -q -A -t -c "SELECT 'other session: ' || count(*) FROM glance_inventory WHERE id = 12 /* probe_network */" > /tmp/cfdw_wait_$PGPORT.tmp 2>&1; mv /tmp/cfdw_wait_$PGPORT.tmp /tmp/cfdw_wait_$PGPORT.out) &
SELECT wait_of('probe_' || 'network', 'http') AS network_wait;
\! while [ ! -f /tmp/cfdw_wait_$PGPORT.out ]; do sleep 0.1; done; cat /tmp/cfdw_wait_$PGPORT.out; rm -f /tmp/cfdw_wait_$PGPORT.out
-- 2. a rate budget: 20 requests a minute one at a time, so the second request waits 3 s for its turn
\! $SIMCTL config gcommerce.rate_limit_per_minute 0
\getenv sim_url SIM_URL
\set gcommerce_url :sim_url /gcommerce
CREATE SERVER gc_slow FOREIGN DATA WRAPPER commerce_fdw
  OPTIONS (api 'gcommerce', base_url :'gcommerce_url', rate_limit_per_minute '20');
CREATE USER MAPPING FOR CURRENT_USER SERVER gc_slow OPTIONS (email 'vendor@example.com', api_key 'gcommerce-test-key');
CREATE FOREIGN TABLE slow_products (product_id bigint) SERVER gc_slow OPTIONS (resource 'products');
\! rm -f /tmp/cfdw_wait_$PGPORT.out; ("$(pg_config --bindir)/psql" -X -q -A -t -c "SELECT 'other session: ' || count(*) FROM slow_products WHERE product_id IN (217001, 217002) /* probe_budget */" > /tmp/cfdw_wait_$PGPORT.tmp 2>&1; mv /tmp/cfdw_wait_$PGPORT.tmp /tmp/cfdw_wait_$PGPORT.out) &
SELECT wait_of('probe_' || 'budget', 'rate_limit') AS budget_wait;
\! while [ ! -f /tmp/cfdw_wait_$PGPORT.out ]; do sleep 0.1; done; grep -v NOTICE /tmp/cfdw_wait_$PGPORT.out; rm -f /tmp/cfdw_wait_$PGPORT.out
\! $SIMCTL log --clear --sort
SET client_min_messages = warning;
DROP SERVER gc_slow CASCADE;
RESET client_min_messages;
DROP FUNCTION wait_of(text, text);
