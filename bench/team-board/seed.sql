-- The data the team-board traffic runs over (bench/team-board.sh), loaded
-- by the superuser with logging off. Users 1-12 are the virtual users:
-- each is a member of three of workspaces 1-36 (with 5 or 6 others, so a
-- comment notifies 5 or 6 members) and of workspace 37, where they all open
-- the same three tasks. Every workspace has five roles; a member holds 3 or
-- 4 of them, each granting 2 or 3 permissions. Each workspace has 40 tasks
-- of 10 comments and two checklist templates of 3 to 8 items.
SELECT setseed(0.48);
INSERT INTO users (email, name)
SELECT 'u' || g || '@example.org', 'user' || g FROM generate_series(1, 240) g;
INSERT INTO workspaces (slug, name)
SELECT 'ws-' || g, 'Workspace ' || g FROM generate_series(1, 37) g;
INSERT INTO members (workspace_id, user_id)
SELECT w, 1 + (w - 1) % 12 FROM generate_series(1, 36) w;
INSERT INTO members (workspace_id, user_id)
SELECT w, 13 + (w - 1) * 6 + j FROM generate_series(1, 36) w, generate_series(0, 5) j WHERE j < 5 + w % 2;
INSERT INTO members (workspace_id, user_id) SELECT 37, u FROM generate_series(1, 12) u;
INSERT INTO roles (workspace_id, name)
SELECT w, r FROM generate_series(1, 37) w, unnest(ARRAY['viewer','commenter','editor','planner','admin']) r;
INSERT INTO member_roles (member_id, role_id)
SELECT m.id, r.id
FROM members m
JOIN LATERAL (SELECT id, row_number() OVER (ORDER BY id) AS n FROM roles WHERE roles.workspace_id = m.workspace_id) r
  ON r.n <= 3 + m.id % 2;
INSERT INTO permissions (role_id, resource, action)
SELECT r.id, (ARRAY['task','comment','checklist'])[1 + (r.id + j) % 3], (ARRAY['read','write','admin'])[1 + j % 3]
FROM roles r, generate_series(0, 2) j WHERE j < 2 + r.id % 2;
INSERT INTO permissions (role_id, resource, action)
SELECT id, p.resource, 'write' FROM roles, (VALUES ('comment'), ('checklist')) p(resource) WHERE name = 'viewer';
INSERT INTO tasks (workspace_id, title, status, assignee_id, updated_at)
SELECT w, 'Task ' || w || '.' || g, (ARRAY['todo','doing','done'])[1 + g % 3], NULL, now() - g * interval '1 hour'
FROM generate_series(1, 37) w, generate_series(1, 40) g;
INSERT INTO comments (task_id, author_id, body, created_at)
SELECT t.id, 1 + (t.id * 7 + g) % 240, 'comment ' || g || ' on task ' || t.id, now() - g * interval '10 minutes'
FROM tasks t, generate_series(1, 10) g;
INSERT INTO notifications (user_id, comment_id, kind, read_at)
SELECT 1 + (c.id * 13) % 240, c.id, (ARRAY['mention','assigned','due'])[1 + c.id % 3],
       CASE WHEN c.id % 4 = 0 THEN NULL ELSE now() END
FROM comments c;
INSERT INTO checklists (workspace_id, title, is_template)
SELECT w, 'Template ' || n, true FROM generate_series(1, 37) w, generate_series(1, 2) n;
INSERT INTO checklist_items (checklist_id, label, position)
SELECT c.id, 'step ' || p, p FROM checklists c, generate_series(1, 8) p WHERE p <= 3 + c.id % 6;
ANALYZE;
