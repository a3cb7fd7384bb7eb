#!/usr/bin/env python3
"""Writes a Drizzle project of TABLES tables for the language server's
benchmark (bench/lsp.sh, issue 49), in bench/scale.sh's shape (a bigserial
key, a text column with a JSON default, three foreign keys per table to
earlier tables, one table in two indexing its first foreign key), laid out
as drizzle-kit writes a project:

  OUT/drizzle/NNNN_tables_X.sql    MIGRATIONS migrations, each creating its
                                   share of the tables, then their foreign
                                   keys and indexes (statement breakpoints)
  OUT/drizzle/meta/_journal.json   their order
  OUT/src/db/schema.ts             the same tables as pgTable calls
  OUT/drizzle.config.ts, OUT/package.json

Usage: bench/make-lsp-project.py OUT [TABLES=10000] [MIGRATIONS=100]
The output is deterministic.
"""
import json
import pathlib
import shutil
import sys

out = pathlib.Path(sys.argv[1])
tables = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
migrations = int(sys.argv[3]) if len(sys.argv) > 3 else 100


def target(i, k):
    return 1 if i == 1 else (i * 7 + k * 13) % (i - 1) + 1


if out.exists():
    shutil.rmtree(out)
(out / "drizzle" / "meta").mkdir(parents=True)
(out / "src" / "db").mkdir(parents=True)

per = -(-tables // migrations)
entries = []
for m in range(migrations):
    first, last = m * per + 1, min(tables, (m + 1) * per)
    if first > last:
        break
    statements = []
    for i in range(first, last + 1):
        columns = ['"id" bigserial PRIMARY KEY NOT NULL', '"name" text NOT NULL',
                   "\"settings\" text DEFAULT '{}' NOT NULL"] + [f'"ref{k}_id" bigint' for k in (1, 2, 3)]
        statements.append(f'CREATE TABLE "t{i}" (\n\t' + ",\n\t".join(columns) + "\n);\n")
    for i in range(first, last + 1):
        for k in (1, 2, 3):
            statements.append(
                f'ALTER TABLE "t{i}" ADD CONSTRAINT "t{i}_ref{k}_id_t{target(i, k)}_id_fk" FOREIGN KEY '
                f'("ref{k}_id") REFERENCES "public"."t{target(i, k)}"("id") ON DELETE cascade ON UPDATE no action;\n')
        if i % 2 == 0:
            statements.append(f'CREATE INDEX "t{i}_ref1_idx" ON "t{i}" USING btree ("ref1_id");\n')
    tag = f"{m:04d}_tables_{first}"
    (out / "drizzle" / f"{tag}.sql").write_text("--> statement-breakpoint\n".join(statements))
    entries.append({"idx": m, "version": "7", "when": 1700000000000 + m * 86400000, "tag": tag,
                    "breakpoints": True})
(out / "drizzle" / "meta" / "_journal.json").write_text(
    json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}, indent=2) + "\n")

schema = ['import { bigint, bigserial, index, pgTable, text } from "drizzle-orm/pg-core";', ""]
for i in range(1, tables + 1):
    schema.append(f'export const t{i} = pgTable("t{i}", {{')
    schema.append('  id: bigserial("id", { mode: "number" }).primaryKey(),')
    schema.append('  name: text("name").notNull(),')
    schema.append('  settings: text("settings").default("{}").notNull(),')
    for k in (1, 2, 3):
        schema.append(f'  ref{k}Id: bigint("ref{k}_id", {{ mode: "number" }})'
                      f'.references((): AnyPgColumn => t{target(i, k)}.id, {{ onDelete: "cascade" }}),')
    schema.append("}" + (f', (t) => [index("t{i}_ref1_idx").on(t.ref1Id)]);' if i % 2 == 0 else ");"))
    schema.append("")
schema[0] = 'import { type AnyPgColumn, bigint, bigserial, index, pgTable, text } from "drizzle-orm/pg-core";'
(out / "src" / "db" / "schema.ts").write_text("\n".join(schema))
(out / "drizzle.config.ts").write_text(
    'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n'
    '  schema: "./src/db/schema.ts",\n  out: "./drizzle",\n  dialect: "postgresql",\n'
    "  dbCredentials: { url: process.env.DATABASE_URL! },\n});\n")
(out / "package.json").write_text(json.dumps({
    "name": "lsp-bench", "private": True, "type": "module",
    "scripts": {"db:generate": "drizzle-kit generate", "db:migrate": "drizzle-kit migrate"},
    "dependencies": {"drizzle-orm": "^0.45.4", "pg": "^8.16.3"},
    "devDependencies": {"drizzle-kit": "^0.31.11"}}, indent=2) + "\n")
