#!/usr/bin/env python3
"""Writes a monorepo for the whole-repository benchmark (issue 23, deliver 3):

  OUT/package.json                      npm workspaces: apps/*, packages/*
  OUT/packages/db/drizzle/              MIGRATIONS migrations in drizzle-kit's layout
                                        (quoted names, statement breakpoints,
                                        foreign keys by ALTER TABLE, USING btree)
                                        and meta/_journal.json
  OUT/packages/db/src/schema.ts         the same tables as Drizzle pgTable calls
  OUT/packages/db/drizzle.config.ts     schema and out, as drizzle-kit reads them
  OUT/apps/*/src/**                     SOURCES TypeScript files querying the tables
                                        through Drizzle (select/where, insert, joins)
  OUT/node_modules/**                   NODE_MODULES installed-package files (skipped
                                        by every sane scanner; they must not cost time)
  OUT/.github/workflows/ci.yml, Dockerfile

Usage: bench/make-repo.py OUT [MIGRATIONS=300] [SOURCES=3000] [NODE_MODULES=5000]
The output is deterministic.
"""
import json
import pathlib
import random
import shutil
import sys

out = pathlib.Path(sys.argv[1])
migrations = int(sys.argv[2]) if len(sys.argv) > 2 else 300
sources = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
node_modules = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
rng = random.Random(23)

if out.exists():
    shutil.rmtree(out)
db = out / "packages" / "db"
(db / "drizzle" / "meta").mkdir(parents=True)
(db / "src").mkdir(parents=True)

ENTITIES = ["users", "organizations", "teams", "projects", "tasks", "comments", "attachments", "labels",
            "milestones", "sprints", "boards", "cards", "checklists", "invoices", "invoice_lines",
            "payments", "subscriptions", "plans", "coupons", "webhooks", "deliveries", "api_keys",
            "sessions", "audit_events", "notifications", "preferences", "documents", "versions",
            "folders", "shares", "reactions", "mentions", "threads", "messages", "channels", "members",
            "integrations", "imports", "exports", "reports"]
WORDS = ["amazing", "brave", "calm", "dark", "eager", "fast", "grey", "happy", "icy", "jolly", "kind",
         "light", "mighty", "noble", "odd", "proud", "quick", "red", "shiny", "tall", "vivid", "wild"]
HEROES = ["thunderball", "namorita", "colossus", "jazinda", "wolverine", "storm", "rogue", "gambit",
          "cyclops", "phoenix", "beast", "iceman", "angel", "havok", "polaris", "magik", "nova"]


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


# tables[name] = list of (column, sql type, drizzle builder, extra sql, extra drizzle)
tables = {}
parents = {}
statements_by_migration = []
for n in range(migrations):
    statements = []
    if n < len(ENTITIES):
        name = ENTITIES[n]
        cols = [("id", "serial PRIMARY KEY NOT NULL", 'serial("id").primaryKey()')]
        parent = ENTITIES[rng.randrange(n)] if n > 0 else None
        if parent:
            cols.append((f"{parent[:-1]}_id", "integer NOT NULL", f'integer("{parent[:-1]}_id").notNull()'))
        cols.append(("name", "text NOT NULL", 'text("name").notNull()'))
        cols.append(("created_at", "timestamp DEFAULT now() NOT NULL",
                     'timestamp("created_at").defaultNow().notNull()'))
        tables[name] = cols
        parents[name] = parent
        body = ",\n".join(f'\t"{c}" {t}' for c, t, _ in cols)
        statements.append(f'CREATE TABLE IF NOT EXISTS "{name}" (\n{body}\n);\n')
        if parent:
            statements.append(
                f'DO $$ BEGIN\n ALTER TABLE "{name}" ADD CONSTRAINT "{name}_{parent[:-1]}_id_{parent}_id_fk" '
                f'FOREIGN KEY ("{parent[:-1]}_id") REFERENCES "public"."{parent}"("id") ON DELETE cascade '
                f'ON UPDATE no action;\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n')
    else:
        name = ENTITIES[n % len(ENTITIES)]
        column = f"field_{n}"
        kind = n % 4
        if kind == 0:
            tables[name].append((column, "text", f'text("{column}")'))
            statements.append(f'ALTER TABLE "{name}" ADD COLUMN "{column}" text;\n')
        elif kind == 1:
            tables[name].append((column, "varchar(64) DEFAULT 'open' NOT NULL",
                                 f'varchar("{column}", {{ length: 64 }}).default("open").notNull()'))
            statements.append(f'ALTER TABLE "{name}" ADD COLUMN "{column}" varchar(64) DEFAULT \'open\' NOT NULL;\n')
            statements.append(f'CREATE INDEX IF NOT EXISTS "{name}_{column}_idx" ON "{name}" USING btree ("{column}");\n')
        elif kind == 2:
            tables[name].append((column, "integer", f'integer("{column}")'))
            statements.append(f'ALTER TABLE "{name}" ADD COLUMN "{column}" integer;\n')
        else:
            tables[name].append((column, "timestamp with time zone", f'timestamp("{column}", {{ withTimezone: true }})'))
            statements.append(f'ALTER TABLE "{name}" ADD COLUMN "{column}" timestamp with time zone;\n')
    statements_by_migration.append(statements)

entries = []
for n, statements in enumerate(statements_by_migration):
    tag = f"{n:04d}_{rng.choice(WORDS)}_{rng.choice(HEROES)}"
    (db / "drizzle" / f"{tag}.sql").write_text("--> statement-breakpoint\n".join(statements))
    entries.append({"idx": n, "version": "7", "when": 1700000000000 + n * 86400000, "tag": tag,
                    "breakpoints": True})
(db / "drizzle" / "meta" / "_journal.json").write_text(
    json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}, indent=2) + "\n")

schema = ['import { index, integer, pgTable, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";', ""]
for name, cols in tables.items():
    schema.append(f'export const {camel(name)} = pgTable("{name}", {{')
    for column, _, builder in cols:
        if parents[name] and column == f"{parents[name][:-1]}_id":
            builder += f'.references(() => {camel(parents[name])}.id, {{ onDelete: "cascade" }})'
        schema.append(f"  {camel(column)}: {builder},")
    schema.append("});")
    schema.append("")
(db / "src" / "schema.ts").write_text("\n".join(schema))
(db / "src" / "index.ts").write_text(
    'import { drizzle } from "drizzle-orm/node-postgres";\nimport { Pool } from "pg";\n'
    'import * as schema from "./schema";\n\n'
    "export const db = drizzle({ client: new Pool({ connectionString: process.env.DATABASE_URL }), schema });\n")
(db / "drizzle.config.ts").write_text(
    'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n'
    '  schema: "./src/schema.ts",\n  out: "./drizzle",\n  dialect: "postgresql",\n'
    "  dbCredentials: { url: process.env.DATABASE_URL! },\n});\n")
(db / "package.json").write_text(json.dumps({
    "name": "@acme/db", "version": "1.0.0", "private": True, "type": "module",
    "scripts": {"db:generate": "drizzle-kit generate", "db:migrate": "drizzle-kit migrate"},
    "dependencies": {"drizzle-orm": "^0.45.4", "pg": "^8.16.3"},
    "devDependencies": {"drizzle-kit": "^0.31.11"}}, indent=2) + "\n")
(out / "package.json").write_text(json.dumps({
    "name": "acme", "private": True, "workspaces": ["apps/*", "packages/*"],
    "scripts": {"build": "turbo build", "test": "turbo test"},
    "devDependencies": {"turbo": "^2.0.0", "typescript": "^5.8.3"}}, indent=2) + "\n")

apps = ["web", "api", "worker", "admin"]
names = list(tables)
for i in range(sources):
    app = apps[i % len(apps)]
    folder = out / "apps" / app / "src" / f"feature{i % 60}"
    folder.mkdir(parents=True, exist_ok=True)
    table = names[rng.randrange(len(names))]
    column = tables[table][rng.randrange(1, len(tables[table]))][0]
    t, c = camel(table), camel(column)
    body = [
        'import { and, eq, desc } from "drizzle-orm";',
        'import { db } from "@acme/db";',
        f'import {{ {t} }} from "@acme/db/schema";',
        "",
        f"export async function find{i}(value: unknown) {{",
        f"  return db.select().from({t}).where(eq({t}.{c}, value)).orderBy(desc({t}.id)).limit(20);",
        "}",
        "",
        f"export async function create{i}(name: string) {{",
        f"  return db.insert({t}).values({{ name }}).returning();",
        "}",
        "",
    ]
    if i % 3 == 0:
        body += [f"export const label{i} = (x: number): string => `item ${{x}} of {table}`;", ""]
    (folder / f"module{i}.ts").write_text("\n".join(body))
for app in apps:
    (out / "apps" / app / "package.json").write_text(json.dumps({
        "name": f"@acme/{app}", "private": True, "scripts": {"build": "tsc", "start": "node dist/index.js"},
        "dependencies": {"@acme/db": "*"}}, indent=2) + "\n")

for i in range(node_modules):
    folder = out / "node_modules" / f"pkg{i // 20}" / "dist"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"file{i}.js").write_text(f"module.exports = function f{i}(a) {{ return a + {i}; }};\n")

(out / ".github" / "workflows").mkdir(parents=True)
(out / ".github" / "workflows" / "ci.yml").write_text(
    "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm test\n"
    "      - run: npm run db:migrate --workspace @acme/db\n")
(out / "Dockerfile").write_text("FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"npm\", \"start\"]\n")
files = sum(1 for p in out.rglob("*") if p.is_file())
print(f"{out}: {migrations} migrations, {sources} source files, {node_modules} node_modules files, {files} files")
