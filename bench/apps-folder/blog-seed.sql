-- blog's rows (bench/apps-folder.sh): 40 posts, 30 published, 0 to 5
-- comments each.
INSERT INTO posts (slug, title, body, published_at)
SELECT 'post-' || i, 'Post ' || i, repeat('Body of post ' || i || '. ', 20),
       CASE WHEN i <= 30 THEN now() - (i || ' days')::interval END
FROM generate_series(1, 40) AS i;
INSERT INTO comments (post_id, author, body)
SELECT p.id, 'reader' || c, 'Comment ' || c || ' on ' || p.slug
FROM posts p, generate_series(1, 5) AS c
WHERE c <= p.id % 6;
ANALYZE;
