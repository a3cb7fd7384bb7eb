#!/usr/bin/env python3
"""Writes a repository shaped like a real TypeScript monorepo, for the
project-scan benchmark (issue 32, deliver 1), or a folder of such projects.

  bench/make-real-repo.py repo OUT [FILES=18000] [SEED=1]
  bench/make-real-repo.py folder OUT [PROJECTS=20] [SEED=1]

One repository (FILES files outside node_modules, 298 migrations):

  package.json, pnpm-workspace.yaml, turbo.json, .github/workflows/*.yml, Dockerfile
  packages/db            "@<scope>/db": drizzle.config.ts, drizzle/ (drizzle-kit's
                         layout and journal), src/schema/*.ts behind a barrel,
                         src/client.ts, src/repository/*.repo.ts (about 500 helpers
                         named get, list, create, update, remove, count, ...), the
                         barrel src/index.ts (`export * as xRepo from`); package.json
                         `exports` with `./repository/*`
  packages/api           tRPC-style routers: `import * as xRepo from
                         "@<scope>/db/repository/x.repo"`, helpers called in
                         `for` loops and `Promise.all(rows.map(...))`, services
                         that call other services (a few levels deep)
  apps/web, apps/worker  server code importing the api and db packages through
                         tsconfig paths (`~/`), and UI code that never reaches them
  packages/ui, utils     components and helpers behind barrels (`export * from`)
                         importing each other, never the database
  long files             some sources of up to 5,000 lines
  other files            locale JSON, Markdown, CSS, SVG, snapshots
  node_modules/          installed-package files a scanner must never enter

About 3,000 of the TypeScript files reach the database package through
workspace packages and barrels; the rest import each other but not it.

A folder: PROJECTS such repositories side by side, of decreasing sizes
(18,000 files down to a few hundred), two of them copies of another (a
checkout next to a monorepo with copied apps), as a folder of public
projects is.

The output is deterministic for a seed.
"""
import json
import pathlib
import random
import shutil
import sys

ENTITIES = ["users", "organizations", "teams", "projects", "tasks", "comments", "attachments", "labels",
            "milestones", "sprints", "boards", "cards", "checklists", "invoices", "invoice_lines",
            "payments", "subscriptions", "plans", "coupons", "webhooks", "deliveries", "api_keys",
            "sessions", "audit_events", "notifications", "preferences", "documents", "versions",
            "folders", "shares", "reactions", "mentions", "threads", "messages", "channels", "members",
            "integrations", "imports", "exports", "reports"]
HELPERS = ["get", "list", "create", "update", "remove", "count", "getById", "listByOwner", "archive", "find"]
WORDS = ["amber", "brisk", "cedar", "delta", "ember", "fjord", "gleam", "harbor", "iris", "jade", "kite",
         "lumen", "maple", "north", "onyx", "pine", "quartz", "river", "slate", "tide", "umber", "vale"]


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def pascal(name):
    return "".join(part.capitalize() for part in name.split("_"))


class Writer:
    def __init__(self, root):
        self.root = root
        self.count = 0

    def write(self, relative, text):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.count += 1


def migrations(w, rng, scope, count, entities):
    journal = []
    for n in range(count):
        table = entities[n % len(entities)]
        tag = f"{n:04d}_{rng.choice(WORDS)}_{rng.choice(WORDS)}"
        if n < len(entities):
            parent = entities[rng.randrange(n)] if n > 0 else None
            sql = [f'CREATE TABLE "{table}" (\n\t"id" serial PRIMARY KEY NOT NULL,\n'
                   f'\t"name" text NOT NULL,\n\t"owner_id" integer,\n\t"parent_id" integer,\n'
                   f'\t"created_at" timestamp DEFAULT now() NOT NULL,\n\t"deleted_at" timestamp\n);']
            if parent:
                sql.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_parent_id_{parent}_id_fk" '
                           f'FOREIGN KEY ("parent_id") REFERENCES "public"."{parent}"("id") '
                           f'ON DELETE cascade ON UPDATE no action;')
        elif n % 3 == 0:
            sql = [f'CREATE INDEX "{table}_{n}_idx" ON "{table}" USING btree ("owner_id","created_at");']
        else:
            sql = [f'ALTER TABLE "{table}" ADD COLUMN "extra_{n}" text;']
        w.write(f"packages/db/drizzle/{tag}.sql", "\n--> statement-breakpoint\n".join(sql) + "\n")
        journal.append({"idx": n, "version": "7", "when": 1700000000000 + n * 1000, "tag": tag,
                        "breakpoints": True})
    w.write("packages/db/drizzle/meta/_journal.json",
            json.dumps({"version": "7", "dialect": "postgresql", "entries": journal}, indent=2) + "\n")


def db_package(w, rng, scope, entities, repos):
    w.write("packages/db/package.json", json.dumps({
        "name": f"@{scope}/db", "private": True, "type": "module",
        "exports": {".": {"types": "./src/index.ts", "default": "./src/index.ts"},
                    "./client": "./src/client.ts", "./schema": "./src/schema/index.ts",
                    "./repository/*": {"types": "./src/repository/*.ts", "default": "./src/repository/*.ts"}},
        "scripts": {"generate": "drizzle-kit generate", "migrate": "drizzle-kit migrate"},
        "dependencies": {"drizzle-orm": "^0.44.0", "pg": "^8.16.0"}, "devDependencies": {"drizzle-kit": "^0.31.0"}},
        indent=2) + "\n")
    w.write("packages/db/drizzle.config.ts", 'import { defineConfig } from "drizzle-kit";\n\n'
            'export default defineConfig({ dialect: "postgresql", schema: "./src/schema/index.ts", '
            'out: "./drizzle" });\n')
    w.write("packages/db/tsconfig.json", json.dumps({"extends": "../../tsconfig.base.json",
                                                     "include": ["src"]}, indent=2) + "\n")
    for table in entities:
        w.write(f"packages/db/src/schema/{table}.ts",
                'import { integer, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";\n\n'
                f'export const {camel(table)} = pgTable("{table}", {{\n'
                '  id: serial("id").primaryKey(),\n  name: text("name").notNull(),\n'
                '  ownerId: integer("owner_id"),\n  parentId: integer("parent_id"),\n'
                '  createdAt: timestamp("created_at").defaultNow().notNull(),\n'
                '  deletedAt: timestamp("deleted_at"),\n});\n')
    w.write("packages/db/src/schema/index.ts", "".join(f'export * from "./{t}";\n' for t in entities))
    w.write("packages/db/src/client.ts",
            'import { drizzle } from "drizzle-orm/node-postgres";\nimport pg from "pg";\n\n'
            'import * as schema from "./schema";\n\n'
            'export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });\n'
            'export const db = drizzle(pool, { schema });\nexport type Db = typeof db;\n')
    barrel = ['export * from "./client";\n']
    for repo in repos:
        table = camel(repo["table"])
        body = ['import { and, desc, eq, inArray, isNull } from "drizzle-orm";\n\n',
                'import type { Db } from "../client";\n',
                f'import {{ {table} }} from "../schema";\n\n']
        for helper in repo["helpers"]:
            body.append(helper_text(helper, table))
        # Some repository files are long: generated query variants.
        for k in range(repo["extra"]):
            body.append(f"export const variant{k} = (db: Db, ownerId: number) =>\n"
                        f"  db.select().from({table}).where(and(eq({table}.ownerId, ownerId), "
                        f"isNull({table}.deletedAt))).orderBy(desc({table}.createdAt)).limit({k + 1});\n\n")
        w.write(f"packages/db/src/repository/{repo['name']}.repo.ts", "".join(body))
        barrel.append(f'export * as {camel(repo["name"])}Repo from "./repository/{repo["name"]}.repo";\n')
    w.write("packages/db/src/index.ts", "".join(barrel))


def helper_text(helper, table):
    if helper in ("get", "getById", "find"):
        return (f"export const {helper} = (db: Db, id: number) =>\n"
                f"  db.query.{table}.findFirst({{ where: and(eq({table}.id, id), isNull({table}.deletedAt)) }});\n\n")
    if helper in ("list", "listByOwner"):
        return (f"export async function {helper}(db: Db, ownerId: number) {{\n"
                f"  return db.select().from({table}).where(eq({table}.ownerId, ownerId));\n}}\n\n")
    if helper == "create":
        return (f"export async function create(db: Db, input: {{ name: string; ownerId: number }}) {{\n"
                f"  const [row] = await db.insert({table}).values(input).returning();\n  return row;\n}}\n\n")
    if helper == "update":
        return (f"export const update = (db: Db, id: number, name: string) =>\n"
                f"  db.update({table}).set({{ name }}).where(eq({table}.id, id));\n\n")
    if helper == "remove":
        return (f"export const remove = (db: Db, id: number) =>\n"
                f"  db.delete({table}).where(eq({table}.id, id));\n\n")
    if helper == "count":
        return (f"export const count = (db: Db, ownerIds: number[]) =>\n"
                f"  db.select().from({table}).where(inArray({table}.ownerId, ownerIds));\n\n")
    return (f"export const {helper} = (db: Db, id: number) =>\n"
            f"  db.update({table}).set({{ deletedAt: new Date() }}).where(eq({table}.id, id));\n\n")


def router_text(rng, scope, repos, index, services):
    picks = rng.sample(repos, min(len(repos), 3))
    lines = ['import { z } from "zod";\n\n', f'import {{ db }} from "@{scope}/db";\n']
    for repo in picks:
        lines.append(f'import * as {camel(repo["name"])}Repo from "@{scope}/db/repository/{repo["name"]}.repo";\n')
    if services:
        service = rng.choice(services)
        lines.append(f'import {{ {service["fn"]} }} from "~/services/{service["name"]}";\n')
    lines.append(f'\nexport const router{index} = {{\n')
    for k, repo in enumerate(picks):
        name = camel(repo["name"]) + "Repo"
        helper = rng.choice(repo["helpers"])
        shape = rng.randrange(4)
        if shape == 0:
            lines.append(f"  a{k}: async (ids: number[]) => {{\n"
                         f"    const out = [];\n    for (const id of ids) {{\n"
                         f"      out.push(await {name}.{helper}(db, id));\n    }}\n    return out;\n  }},\n")
        elif shape == 1:
            lines.append(f"  b{k}: async (rows: {{ id: number }}[]) =>\n"
                         f"    Promise.all(rows.map((row) => {name}.{helper}(db, row.id))),\n")
        else:
            lines.append(f"  c{k}: async (input: {{ id: number }}) => {name}.{helper}(db, input.id),\n")
    if services:
        lines.append(f"  s: async (id: number) => {service['fn']}(id),\n")
    lines.append("  schema: z.object({ id: z.number() }),\n};\n")
    return "".join(lines)


def service_text(rng, scope, repos, index, earlier):
    repo = rng.choice(repos)
    name = camel(repo["name"]) + "Repo"
    lines = [f'import {{ db, {name} }} from "@{scope}/db";\n']
    callee = None
    if earlier and rng.random() < 0.7:
        callee = rng.choice(earlier)
        lines.append(f'import {{ {callee["fn"]} }} from "./{callee["name"]}";\n')
    helper = rng.choice(repo["helpers"])
    lines.append(f"\nexport async function service{index}(id: number) {{\n"
                 f"  const row = await {name}.{helper}(db, id);\n")
    if callee:
        lines.append(f"  await {callee['fn']}(id);\n")
    lines.append("  return row;\n}\n")
    return "".join(lines)


def component_text(rng, index, siblings, long_lines):
    lines = ['import { useMemo, useState } from "react";\n']
    for sibling in rng.sample(siblings, min(len(siblings), rng.randrange(1, 4))):
        lines.append(f'import {{ {sibling} }} from "@ui/components";\n')
    lines.append('import { formatDate } from "@utils/format";\n\n')
    lines.append(f"export function Component{index}(props: {{ items: {{ id: number; label: string }}[] }}) {{\n"
                 "  const [open, setOpen] = useState(false);\n"
                 "  const sorted = useMemo(() => props.items.map((item) => ({ ...item, when: formatDate(item.id) })), "
                 "[props.items]);\n"
                 "  return sorted.filter((item) => open || item.id > 0).map((item) => item.label).join(\", \");\n}\n")
    for k in range(long_lines):
        lines.append(f"export const style{index}_{k} = {{ padding: {k % 16}, margin: {k % 8}, "
                     f"label: \"{rng.choice(WORDS)}\" }};\n")
    return "".join(lines)


def repository(out, files, seed, scope="acme"):
    rng = random.Random(seed)
    w = Writer(out)
    entities = ENTITIES
    # 100 repository modules, 5 helpers each with the common names.
    repos = []
    for n in range(100):
        table = entities[n % len(entities)]
        repos.append({"name": f"{table.replace('_', '-')}{n // len(entities) or ''}", "table": table,
                      "helpers": rng.sample(HELPERS, 5), "extra": 240 if n % 25 == 0 else rng.randrange(0, 8)})
    w.write("package.json", json.dumps({"name": scope, "private": True, "workspaces": ["apps/*", "packages/*"],
                                        "scripts": {"build": "turbo run build", "db:migrate":
                                                    f"pnpm --filter @{scope}/db migrate"},
                                        "devDependencies": {"turbo": "^2.0.0", "typescript": "^5.8.0"}},
                                       indent=2) + "\n")
    w.write("pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n")
    w.write("turbo.json", json.dumps({"tasks": {"build": {"dependsOn": ["^build"]}}}, indent=2) + "\n")
    w.write("tsconfig.base.json", json.dumps({"compilerOptions": {"strict": True, "moduleResolution": "Bundler",
                                                                  "paths": {"@ui/*": ["./packages/ui/src/*"],
                                                                            "@utils/*": ["./packages/utils/src/*"]},
                                                                  "baseUrl": "."}}, indent=2) + "\n")
    w.write(".github/workflows/ci.yml", "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - run: pnpm install\n      - run: pnpm db:migrate\n")
    w.write("Dockerfile", "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN pnpm install\n"
            "CMD [\"node\", \"apps/api/dist/main.js\"]\n")
    migrations(w, rng, scope, 298, entities)
    db_package(w, rng, scope, entities, repos)

    # The database-reaching code: services (chains), routers, app server code.
    scale = files / 18000
    services = []
    for n in range(int(400 * scale)):
        fn = f"service{n}"
        w.write(f"packages/api/src/services/svc{n}.ts", service_text(rng, scope, repos, n, services[-30:]))
        services.append({"name": f"svc{n}", "fn": fn})
    w.write("packages/api/package.json", json.dumps({"name": f"@{scope}/api", "private": True,
                                                     "exports": {".": "./src/index.ts"},
                                                     "dependencies": {f"@{scope}/db": "workspace:*"}},
                                                    indent=2) + "\n")
    w.write("packages/api/tsconfig.json", json.dumps({"extends": "../../tsconfig.base.json", "compilerOptions": {
        "baseUrl": ".", "paths": {"~/*": ["./src/*"]}}}, indent=2) + "\n")
    routers = int(600 * scale)
    for n in range(routers):
        w.write(f"packages/api/src/routers/router{n}.ts", router_text(rng, scope, repos, n, services))
    w.write("packages/api/src/index.ts", "".join(f'export * from "./routers/router{n}";\n' for n in range(routers)))
    for app, count in (("web", int(1200 * scale)), ("worker", int(650 * scale))):
        w.write(f"apps/{app}/package.json", json.dumps({"name": f"@{scope}/{app}", "private": True, "dependencies": {
            f"@{scope}/api": "workspace:*", f"@{scope}/db": "workspace:*"}}, indent=2) + "\n")
        w.write(f"apps/{app}/tsconfig.json", json.dumps({"extends": "../../tsconfig.base.json", "compilerOptions": {
            "baseUrl": ".", "paths": {"~/*": ["./src/*"], "@ui/*": ["../../packages/ui/src/*"],
                                      "@utils/*": ["../../packages/utils/src/*"]}}}, indent=2) + "\n")
        for n in range(count):
            router = rng.randrange(routers)
            w.write(f"apps/{app}/src/server/handler{n}.ts",
                    f'import {{ router{router} }} from "@{scope}/api";\n\n'
                    f"export async function handle{n}(ids: number[]) {{\n"
                    f"  for (const id of ids) {{\n    await router{router}.s(id);\n  }}\n}}\n")

    # UI and utilities: import each other through barrels, never the database.
    ui = int(2500 * scale)
    names = [f"Component{n}" for n in range(ui)]
    for n in range(ui):
        long_lines = rng.randrange(1000, 4950) if n % 50 == 0 else rng.randrange(0, 40)
        w.write(f"packages/ui/src/components/c{n}.tsx", component_text(rng, n, names[:max(1, n)], long_lines))
    w.write("packages/ui/src/components/index.ts", "".join(f'export * from "./c{n}";\n' for n in range(ui)))
    w.write("packages/ui/package.json", json.dumps({"name": f"@{scope}/ui", "private": True,
                                                    "main": "./src/components/index.ts"}, indent=2) + "\n")
    for package in ("ui", "utils"):
        w.write(f"packages/{package}/tsconfig.json", json.dumps({"extends": "../../tsconfig.base.json"}) + "\n")
    utils = int(1000 * scale)
    for n in range(utils):
        w.write(f"packages/utils/src/u{n}.ts",
                f'import {{ clamp }} from "./u{max(0, n - 1)}";\n\n'
                f"export const clamp{n} = (x: number) => clamp(x) + {n};\n"
                f"export function format{n}(rows: number[]) {{\n"
                f"  return rows.map((row) => row.toFixed(2)).join(\", \");\n}}\n")
    w.write("packages/utils/src/format.ts", "export const formatDate = (n: number) => new Date(n).toISOString();\n"
            "export const clamp = (x: number) => Math.max(0, x);\n")
    web_ui = int(5000 * scale)
    for n in range(web_ui):
        long_lines = rng.randrange(1000, 4950) if n % 100 == 0 else rng.randrange(0, 30)
        w.write(f"apps/web/src/components/page{n}.tsx", component_text(rng, n + ui, names[:50], long_lines))
    tests = int(500 * scale)
    for n in range(tests):
        w.write(f"packages/utils/test/u{n}.test.ts", f'import {{ clamp{n} }} from "../src/u{n}";\n\n'
                f"test(\"clamp{n}\", () => {{ expect(clamp{n}(1)).toBeGreaterThan(0); }});\n")

    # Other files, up to the count.
    kinds = ["json", "md", "css", "svg", "snap"]
    n = 0
    while w.count < files:
        kind = kinds[n % len(kinds)]
        if kind == "json":
            w.write(f"apps/web/locales/{n % 40}/ns{n}.json", json.dumps({f"k{k}": rng.choice(WORDS) for k in range(20)}))
        elif kind == "md":
            w.write(f"docs/page{n}.md", f"# {rng.choice(WORDS)}\n\nSee `db.select().from(users)` in the guide.\n")
        elif kind == "css":
            w.write(f"apps/web/styles/s{n}.css", f".c{n} {{ padding: {n % 9}px; }}\n")
        elif kind == "svg":
            w.write(f"apps/web/public/icons/i{n}.svg", '<svg xmlns="http://www.w3.org/2000/svg"></svg>\n')
        else:
            w.write(f"packages/ui/src/__snapshots__/c{n}.snap", f"exports[`c{n}`] = `<div />`;\n")
        n += 1

    # Installed packages: must never be entered.
    for n in range(5000):
        path = out / "node_modules" / f"pkg{n % 200}" / f"lib{n}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('const { eq } = require("drizzle-orm");\n'
                        f"module.exports = (db, t, ids) => ids.map((id) => db.select().from(t).where(eq(t.id, id)));\n")
    return w.count


def folder(out, projects, seed):
    sizes = [18000, 12000, 9000, 6000, 5000, 4000, 3000, 2500, 2000, 1600, 1300, 1000, 800, 700, 600, 500,
             400, 300, 300, 300][:projects]
    total = 0
    for n, size in enumerate(sizes):
        name = f"project{n + 1:02d}"
        if n in (5, 11):
            # A copy of the project before it, package names and all.
            shutil.copytree(out / f"project{n:02d}", out / name)
            total += sum(1 for p in (out / name).rglob("*") if p.is_file() and "node_modules" not in p.parts)
            continue
        total += repository(out / name, size, seed * 100 + n, scope=f"p{n + 1:02d}")
    return total


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("repo", "folder"):
        sys.stderr.write(__doc__)
        sys.exit(2)
    out = pathlib.Path(sys.argv[2])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if sys.argv[1] == "repo":
        files = int(sys.argv[3]) if len(sys.argv) > 3 else 18000
        print(f"{repository(out, files, seed)} files (and 5,000 in node_modules) in {out}")
    else:
        projects = int(sys.argv[3]) if len(sys.argv) > 3 else 20
        print(f"{folder(out, projects, seed)} files in {projects} projects in {out}")


main()
