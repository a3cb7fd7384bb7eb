-- hot: one post by id
\set pid random(1, 250000)
SELECT id, title FROM posts WHERE id = :pid;
