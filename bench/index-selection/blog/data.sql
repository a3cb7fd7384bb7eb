-- The blog's rows, from one seeded random() stream: 50,000 users (last
-- login spread over 60 days), 250,000 posts (a user's posts are not
-- adjacent), three tags per post out of 500, 500,000 comments, a settings
-- row per user (locale one of 40, theme one of 25), 250,000 notifications
-- (a third read).
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.2024) \gset
INSERT INTO users
SELECT g, 'user' || g || '@example.com', now() - random() * interval '60 days' FROM generate_series(1, 50000) g;
INSERT INTO posts
SELECT g, 1 + (g * 7919) % 50000, 'title ' || g, timestamptz '2024-01-01' + g * interval '3 minutes'
FROM generate_series(1, 250000) g;
INSERT INTO tags SELECT p, 'tag' || (1 + floor(random() * 500)::int) FROM generate_series(1, 250000) p, generate_series(1, 3);
INSERT INTO comments (post_id, body)
SELECT 1 + floor(random() * 250000)::int, 'comment ' || g FROM generate_series(1, 500000) g;
INSERT INTO settings
SELECT g, (ARRAY['light', 'dark'])[1 + g % 2],
       jsonb_build_object('locale', 'loc-' || (1 + floor(random() * 40)::int), 'theme',
                          'theme-' || (1 + floor(random() * 25)::int), 'digest', random() < 0.3)
FROM generate_series(1, 50000) g;
INSERT INTO notifications SELECT g, 1 + floor(random() * 50000)::int, random() < 0.33 FROM generate_series(1, 250000) g;
