-- tagpage (added): the newest posts of a tag
\set t random(1, 500)
SELECT post_id FROM tags WHERE name = 'tag' || :t ORDER BY post_id DESC LIMIT 20;
