-- digest: in one transaction, a posts page, then tags and author per post
\set off random(0, 100)
BEGIN;
SELECT id, user_id, title FROM posts ORDER BY id LIMIT 5 OFFSET :off;
\set p1 random(1, 250000)
\set u1 random(1, 50000)
SELECT name FROM tags WHERE post_id = :p1;
SELECT id, email FROM users WHERE id = :u1;
\set p2 random(1, 250000)
\set u2 random(1, 50000)
SELECT name FROM tags WHERE post_id = :p2;
SELECT id, email FROM users WHERE id = :u2;
\set p3 random(1, 250000)
\set u3 random(1, 50000)
SELECT name FROM tags WHERE post_id = :p3;
SELECT id, email FROM users WHERE id = :u3;
\set p4 random(1, 250000)
\set u4 random(1, 50000)
SELECT name FROM tags WHERE post_id = :p4;
SELECT id, email FROM users WHERE id = :u4;
\set p5 random(1, 250000)
\set u5 random(1, 50000)
SELECT name FROM tags WHERE post_id = :p5;
SELECT id, email FROM users WHERE id = :u5;
COMMIT;
