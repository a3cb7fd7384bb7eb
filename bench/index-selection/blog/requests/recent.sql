-- recent (added): the admin page of who logged in in the last hour, rarely run
SELECT id, email FROM users WHERE last_login_at > now() - interval '1 hour' ORDER BY last_login_at DESC LIMIT 50;
