-- author: an author's posts, their unread count, then each post's comments
\set author random(1, 50000)
SELECT id, title FROM posts WHERE user_id = :author ORDER BY id DESC LIMIT 10;
SELECT count(*) FROM notifications WHERE user_id = :author AND NOT read;
\set p1 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p1 ORDER BY id;
\set p2 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p2 ORDER BY id;
\set p3 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p3 ORDER BY id;
\set p4 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p4 ORDER BY id;
\set p5 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p5 ORDER BY id;
\set p6 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p6 ORDER BY id;
\set p7 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p7 ORDER BY id;
\set p8 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p8 ORDER BY id;
\set p9 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p9 ORDER BY id;
\set p10 random(1, 250000)
SELECT id, body FROM comments WHERE post_id = :p10 ORDER BY id;
