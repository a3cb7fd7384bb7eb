-- invoice-worker's rows (bench/invoice-worker.sh): 12 teams, 40 customers
-- each, 300 recurring invoices due now (and 100 not yet), a few earlier
-- invoices per team so the next number has something to follow.
INSERT INTO teams (name) SELECT 'Team ' || i FROM generate_series(1, 12) AS i;
INSERT INTO customers (team_id, name, email)
SELECT t.id, 'Customer ' || c || ' of ' || t.name, 'billing' || c || '@' || lower(replace(t.name, ' ', '')) || '.test'
FROM teams t, generate_series(1, 40) AS c;
INSERT INTO invoice_recurring (team_id, customer_id, amount, invoices_generated, next_scheduled_at)
SELECT c.team_id, c.id, 49 + (row_number() OVER ()) % 7 * 10, (row_number() OVER ()) % 5,
       CASE WHEN row_number() OVER () <= 300 THEN now() - interval '1 hour' ELSE now() + interval '10 days' END
FROM (SELECT * FROM customers ORDER BY random() LIMIT 400) AS c;
INSERT INTO invoices (team_id, customer_id, invoice_number, status, amount)
SELECT t.id, NULL, 'INV-' || n, 'paid', 100 FROM teams t, generate_series(1, 20) AS n;
ANALYZE;
