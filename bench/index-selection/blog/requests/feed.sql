-- feed: a posts page, then one users lookup per row (a true N+1; bench/nplus1-mix.sh)
\set off random(0, 40)
SELECT id, user_id, title FROM posts ORDER BY id DESC LIMIT 10 OFFSET :off;
\set u1 random(1, 50000)
SELECT id, email FROM users WHERE id = :u1;
\set u2 random(1, 50000)
SELECT id, email FROM users WHERE id = :u2;
\set u3 random(1, 50000)
SELECT id, email FROM users WHERE id = :u3;
\set u4 random(1, 50000)
SELECT id, email FROM users WHERE id = :u4;
\set u5 random(1, 50000)
SELECT id, email FROM users WHERE id = :u5;
\set u6 random(1, 50000)
SELECT id, email FROM users WHERE id = :u6;
\set u7 random(1, 50000)
SELECT id, email FROM users WHERE id = :u7;
\set u8 random(1, 50000)
SELECT id, email FROM users WHERE id = :u8;
\set u9 random(1, 50000)
SELECT id, email FROM users WHERE id = :u9;
\set u10 random(1, 50000)
SELECT id, email FROM users WHERE id = :u10;
