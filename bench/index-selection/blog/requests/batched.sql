-- batched: the feed done right, authors and tags in one query each
\set off random(0, 40)
\set p1 random(1, 250000)
\set p2 random(1, 250000)
\set p3 random(1, 250000)
\set p4 random(1, 250000)
\set p5 random(1, 250000)
\set p6 random(1, 250000)
\set p7 random(1, 250000)
\set p8 random(1, 250000)
\set p9 random(1, 250000)
\set p10 random(1, 250000)
SELECT id, user_id, title FROM posts ORDER BY id DESC LIMIT 10 OFFSET :off;
SELECT id, email FROM users WHERE id = ANY(ARRAY(SELECT user_id FROM posts ORDER BY id DESC LIMIT 10 OFFSET :off));
SELECT post_id, name FROM tags WHERE post_id = ANY(ARRAY[:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, :p10]::int[]);
