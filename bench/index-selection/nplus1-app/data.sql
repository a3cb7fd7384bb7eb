-- The N+1 fixture application's database (fixtures/nplus1-app, migrated
-- by its drizzle-kit migration packages/db/drizzle/0000_init.sql) filled at
-- a size where indexes matter: the shapes of bench/nplus1-app/seed.ts (the
-- same public-id and token formats, workspaces of members, roles and
-- permissions, projects of tags and stages, stages of tickets with tags,
-- watchers, events and checklists), 200 times as many workspaces, ten times
-- as many projects per workspace and about as many tickets per stage: about
-- 1.5 million rows. The fixture's traffic logs (fixtures/logs/nplus1-app)
-- name ids, tokens and public ids of the small seed; every one of them
-- exists here too. One seeded random() stream.
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.1729) \gset

CREATE FUNCTION pg_temp.id12(prefix text, n bigint) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT prefix || lpad(n::text, 12 - length(prefix), '0') $$;

INSERT INTO users (id, email, name, handle)
SELECT g, 'user' || g || '@flowdesk.test', 'User ' || g, 'user' || g FROM generate_series(1, 20000) g;
INSERT INTO sessions (id, token, user_id, expires_at)
SELECT g, 'token-' || g, g, now() + interval '30 days' FROM generate_series(1, 20000) g;
INSERT INTO workspaces (id, public_id, name, slug)
SELECT g, pg_temp.id12('ws', g), 'Workspace ' || g, 'workspace-' || g FROM generate_series(1, 200) g;
-- Eight roles a workspace: owner, admin, guest (system) and five others.
INSERT INTO workspace_roles (id, workspace_id, name, is_system)
SELECT (w - 1) * 8 + r, w,
       (ARRAY['owner', 'admin', 'guest', 'design', 'support', 'qa', 'ops', 'sales'])[r], r <= 3
FROM generate_series(1, 200) w, generate_series(1, 8) r;
INSERT INTO role_permissions (role_id, permission)
SELECT role, permission
FROM generate_series(1, 1600) role,
     unnest(ARRAY['project:create', 'project:delete', 'project:copy', 'stage:edit', 'stage:archive',
                  'ticket:create', 'ticket:edit', 'ticket:move', 'ticket:delete', 'comment:create',
                  'comment:delete', 'member:invite', 'member:remove', 'role:edit', 'settings:edit']) permission
WHERE random() < 0.55;
-- A hundred members a workspace (every user in one), one former member.
INSERT INTO workspace_members (workspace_id, user_id, role_id, deleted_at)
SELECT w, (w - 1) * 100 + k, (w - 1) * 8 + CASE WHEN k = 1 THEN 1 ELSE 2 + floor(random() * 7)::int END,
       CASE WHEN k = 100 THEN now() END
FROM generate_series(1, 200) w, generate_series(1, 100) k;
-- Ten projects a workspace, six tags and five stages a project.
INSERT INTO projects (id, public_id, workspace_id, name, created_by)
SELECT p, pg_temp.id12('pr', p), (p - 1) / 10 + 1, 'Project ' || p, ((p - 1) / 10) * 100 + 1
FROM generate_series(1, 2000) p;
INSERT INTO tags (id, public_id, project_id, name, colour)
SELECT g, pg_temp.id12('tg', g), (g - 1) / 6 + 1,
       (ARRAY['bug', 'chore', 'design', 'urgent', 'customer', 'backend'])[1 + (g - 1) % 6],
       '#' || lpad(to_hex(floor(random() * 16777216)::int), 6, '0')
FROM generate_series(1, 12000) g;
INSERT INTO stages (id, public_id, project_id, name, position)
SELECT s, pg_temp.id12('st', s), (s - 1) / 5 + 1, (ARRAY['Inbox', 'Next', 'Doing', 'Review', 'Done'])[1 + (s - 1) % 5],
       (s - 1) % 5
FROM generate_series(1, 10000) s;
-- Ten tickets a stage (a tenth archived, 8% deleted), created by a member.
INSERT INTO tickets (id, public_id, stage_id, title, description, position, created_by, archived_at, deleted_at)
SELECT t, pg_temp.id12('tk', t), (t - 1) / 10 + 1, 'Ticket ' || t, '', (t - 1) % 10,
       (((t - 1) / 10) / 50) * 100 + 1 + floor(random() * 100)::int,
       CASE WHEN random() < 0.1 THEN now() END, CASE WHEN random() < 0.08 THEN now() END
FROM generate_series(1, 100000) t;
-- Up to three of the project's tags, five to nine watchers from the
-- workspace, one to four events, and for 45% of tickets one or two
-- checklists of five to nine items.
INSERT INTO ticket_tags (ticket_id, tag_id)
SELECT DISTINCT t, ((((t - 1) / 10) / 5)) * 6 + 1 + floor(random() * 6)::int
FROM generate_series(1, 100000) t, generate_series(1, 3) k
WHERE random() < 0.5;
INSERT INTO ticket_watchers (ticket_id, user_id)
SELECT DISTINCT t, (((t - 1) / 10) / 50) * 100 + 1 + floor(random() * 100)::int
FROM generate_series(1, 100000) t, generate_series(1, 7) k;
INSERT INTO ticket_events (ticket_id, kind, actor_id)
SELECT t, (ARRAY['ticket.created', 'ticket.moved', 'ticket.edited'])[1 + floor(random() * 3)::int],
       (((t - 1) / 10) / 50) * 100 + 1 + floor(random() * 100)::int
FROM generate_series(1, 100000) t, generate_series(1, 4) k
WHERE k = 1 OR random() < 0.5;
INSERT INTO checklists (id, public_id, ticket_id, name, position)
SELECT row_number() OVER (ORDER BY t, c), pg_temp.id12('cl', row_number() OVER (ORDER BY t, c)), t,
       'Checklist ' || c, c - 1
FROM (SELECT t, floor(random() * 2)::int + 1 AS n, random() < 0.45 AS has FROM generate_series(1, 100000) t) x,
     generate_series(1, 2) c
WHERE x.has AND c <= x.n;
INSERT INTO checklist_items (public_id, checklist_id, title, done, position)
SELECT pg_temp.id12('ci', row_number() OVER (ORDER BY c.id, k)), c.id, 'Step ' || k, random() < 0.3, k - 1
FROM checklists c, generate_series(1, 9) k
WHERE k <= 5 + (c.id * 7) % 5;
-- The serial columns go on after the rows given ids.
SELECT setval('users_id_seq', 20000), setval('sessions_id_seq', 20000), setval('workspaces_id_seq', 200),
       setval('workspace_roles_id_seq', 1600), setval('projects_id_seq', 2000), setval('tags_id_seq', 12000),
       setval('stages_id_seq', 10000), setval('tickets_id_seq', 100000),
       setval('checklists_id_seq', (SELECT max(id) FROM checklists));
