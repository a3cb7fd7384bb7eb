-- profile: a user and their unread count
\set uid random(1, 50000)
SELECT id, email FROM users WHERE id = :uid;
SELECT count(*) FROM notifications WHERE user_id = :uid AND NOT read;
