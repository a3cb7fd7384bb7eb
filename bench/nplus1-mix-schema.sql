-- The tables behind bench/nplus1-mix.sh's requests.
CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE, last_login_at timestamptz);
CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), title text NOT NULL);
CREATE TABLE tags (post_id int NOT NULL REFERENCES posts(id), name text NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts(id), body text NOT NULL);
CREATE TABLE settings (user_id int PRIMARY KEY REFERENCES users(id), theme text NOT NULL);
CREATE TABLE notifications (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), read boolean NOT NULL);
INSERT INTO users (id, email) SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 200) g;
INSERT INTO posts SELECT g, 1 + g % 200, 'title ' || g FROM generate_series(1, 1000) g;
INSERT INTO tags SELECT id, 'tag' || (id % 7) FROM posts;
INSERT INTO comments SELECT g, 1 + g % 1000, 'comment ' || g FROM generate_series(1, 3000) g;
INSERT INTO settings SELECT id, 'dark' FROM users;
INSERT INTO notifications SELECT g, 1 + g % 200, g % 3 = 0 FROM generate_series(1, 2000) g;
ANALYZE;
