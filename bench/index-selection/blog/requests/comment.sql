-- comment (added): a new comment on a post
\set p random(1, 250000)
INSERT INTO comments (post_id, body) VALUES (:p, 'nice post');
