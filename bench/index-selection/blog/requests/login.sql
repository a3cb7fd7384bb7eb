-- login: user by email, last login written, their theme
\set uid random(1, 50000)
SELECT id, email FROM users WHERE email = 'user' || :uid || '@example.com';
UPDATE users SET last_login_at = now() WHERE id = :uid;
SELECT theme FROM settings WHERE user_id = :uid;
