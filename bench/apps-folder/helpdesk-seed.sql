-- helpdesk's rows (bench/apps-folder.sh): 60 tickets, 16 of them open, each
-- with a thread of 2 to 7 replies.
INSERT INTO tickets (subject, status, requester_email, created_at)
SELECT 'Ticket ' || i,
       (CASE WHEN i % 4 = 0 THEN 'open' WHEN i % 4 = 1 THEN 'pending' ELSE 'solved' END)::ticket_status,
       'customer' || i || '@example.com', now() - (i || ' hours')::interval
FROM generate_series(1, 64) AS i;
INSERT INTO comments (ticket_id, author_email, body, created_at)
SELECT t.id, CASE WHEN r % 2 = 0 THEN 'agent@helpdesk.test' ELSE t.requester_email END,
       'Reply ' || r || ' on ticket ' || t.id, t.created_at + (r || ' minutes')::interval
FROM tickets t, generate_series(1, 7) AS r
WHERE r <= 2 + t.id % 6;
ANALYZE;
