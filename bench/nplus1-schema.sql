-- The tables behind the planted N+1 (bench/nplus1.pgbench).
CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (id int PRIMARY KEY, author_id int NOT NULL REFERENCES authors(id), title text NOT NULL);
INSERT INTO authors SELECT g, 'author ' || g FROM generate_series(1, 10000) g;
INSERT INTO books SELECT g, 1 + g % 10000, 'book ' || g FROM generate_series(1, 200000) g;
CREATE INDEX ON books (author_id);
ANALYZE;
