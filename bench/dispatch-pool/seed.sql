-- The data the dispatch-pool traffic runs over (bench/dispatch-pool.sh),
-- loaded by the superuser with logging off: 12 depots, 400 couriers, 20,000
-- customers, 100,000 shipments, 300,000 tracking events. Preferences and
-- carrier payloads are JSON kept as text, as the app writes them.
SELECT setseed(0.42);
INSERT INTO depots (code, city)
SELECT 'D' || lpad(g::text, 3, '0'), (ARRAY['Leeds','Lyon','Porto','Gdansk','Turin','Graz'])[1 + g % 6]
FROM generate_series(1, 12) g;
INSERT INTO couriers (depot_id, name, vehicle, active)
SELECT 1 + g % 12, 'courier ' || g, (ARRAY['bike','van','truck'])[1 + g % 3], g % 10 <> 0
FROM generate_series(1, 400) g;
INSERT INTO customers (email, name, phone, prefs, created_at)
SELECT 'c' || g || '@example.net', 'customer ' || g, NULL,
       CASE WHEN g % 20 = 0 THEN '{"tier":"priority","sms":true}' ELSE '{"tier":"standard","sms":false}' END,
       now() - (g % 900) * interval '1 day'
FROM generate_series(1, 20000) g;
INSERT INTO shipments (reference, customer_id, courier_id, depot_id, status, weight_kg, created_at, delivered_at)
SELECT 'SH' || lpad(g::text, 8, '0'), 1 + (g * 7919) % 20000,
       CASE WHEN g % 10 < 7 THEN 1 + g % 400 END, 1 + g % 12,
       (ARRAY['created','picked_up','in_transit','delivered','delivered','delivered','failed'])[1 + g % 7],
       round((random() * 30)::numeric, 2), now() - (g % 365) * interval '1 day', NULL
FROM generate_series(1, 100000) g;
INSERT INTO tracking_events (shipment_id, kind, payload, recorded_at)
SELECT 1 + g % 100000, (ARRAY['scan','hub','out_for_delivery'])[1 + g % 3],
       CASE WHEN g % 97 = 0 THEN '{"status":"failed","scanner":"s' || g % 50 || '"}'
            ELSE '{"status":"ok","scanner":"s' || g % 50 || '"}' END,
       now() - (g % 2000) * interval '1 hour'
FROM generate_series(1, 300000) g;
ANALYZE;
