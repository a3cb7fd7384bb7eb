#include "app/inputs/discovery.hpp"
#include "app/lint/run_rules.hpp"
#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/schema_ts/names.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/registry.hpp"
#include "schema_ts_test_support.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace pgadvise;
using namespace pgadvise::loaders;

namespace drizzle_schema_ts_test {

namespace fs = std::filesystem;

using schema_ts_test_support::k_fixtures;
using schema_ts_test_support::load;
using schema_ts_test_support::notes_of;
using schema_ts_test_support::table;

const model::Column& column(const model::Table& t, const std::string& name) {
  const model::Column* found = t.find_column(name);
  if (found == nullptr) {
    ADD_FAILURE() << "no column " << t.name << "." << name;
    static const model::Column k_empty;
    return k_empty;
  }
  return *found;
}

const model::ForeignKey* fk_named(const model::Table& t, const std::string& name) {
  for (const model::ForeignKey& fk : t.foreign_keys) {
    if (fk.name == name) {
      return &fk;
    }
  }
  return nullptr;
}

std::vector<std::string> key_columns(const model::Index& index) {
  std::vector<std::string> out;
  for (const model::IndexKey& key : index.keys) {
    out.push_back(key.text());
  }
  return out;
}

// The one unresolved-construct note of a load, which must mention `part`.
core::Finding only_note(const SchemaLoad& load, std::string_view part) {
  const auto notes = notes_of(load);
  if (notes.size() != 1) {
    ADD_FAILURE() << notes.size() << " notes, expected one about " << part;
    return {};
  }
  EXPECT_NE(notes[0].message.find(part), std::string::npos) << notes[0].message;
  return notes[0];
}

std::vector<std::string> names_of_tables(const model::Catalog& catalog) {
  std::vector<std::string> out;
  for (const model::Table& t : catalog.tables) {
    out.push_back(t.qualified());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---- builders --------------------------------------------------------------

TEST(DrizzleSchemaTs, EveryColumnBuilderMapsToTheTypeDrizzleKitWrites) {
  const SchemaLoad result = load(R"ts(
import { pgTable, uuid, text, varchar, char, integer, smallint, bigint, serial, bigserial, smallserial,
  boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, interval, inet,
  cidr, macaddr } from "drizzle-orm/pg-core";
export const t = pgTable("t", {
  a: uuid(), b: text(), c: varchar({ length: 255 }), c2: varchar(), d: char({ length: 2 }), d2: char(),
  e: integer(), f: smallint(), g: bigint({ mode: "number" }), h: serial(), i: bigserial({ mode: "bigint" }),
  j: smallserial(), k: boolean(), l: timestamp(), m: timestamp({ withTimezone: true, precision: 3 }),
  n: date(), o: time({ precision: 2 }), p: numeric({ precision: 10, scale: 2 }), q: decimal({ precision: 7 }),
  r: real(), s: doublePrecision(), u: json(), v: jsonb(), w: interval(), x: inet(), y: cidr(), z: macaddr(),
});
)ts");
  const model::Table& t = table(result, "t");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a", "uuid"},      {"b", "text"},          {"c", "varchar(255)"},   {"c2", "varchar"},
      {"d", "bpchar(2)"}, {"d2", "bpchar(1)"},    {"e", "int4"},           {"f", "int2"},
      {"g", "int8"},      {"h", "serial"},        {"i", "bigserial"},      {"j", "smallserial"},
      {"k", "bool"},      {"l", "timestamp"},     {"m", "timestamptz(3)"}, {"n", "date"},
      {"o", "time(2)"},   {"p", "numeric(10,2)"}, {"q", "numeric(7)"},     {"r", "float4"},
      {"s", "float8"},    {"u", "json"},          {"v", "jsonb"},          {"w", "interval"},
      {"x", "inet"},      {"y", "cidr"},          {"z", "macaddr"}};
  ASSERT_EQ(t.columns.size(), expected.size());
  for (const auto& [name, type] : expected) {
    EXPECT_EQ(column(t, name).type.display(), type) << name;
  }
  EXPECT_TRUE(column(t, "h").not_null); // serial columns are NOT NULL
  EXPECT_EQ(column(t, "h").default_expr.value_or(""), "nextval('t_h_seq'::regclass)");
  EXPECT_FALSE(column(t, "a").not_null);
  EXPECT_TRUE(notes_of(result).empty());
  EXPECT_EQ(result.catalog.source, model::SchemaSource::drizzle_schema);
}

TEST(DrizzleSchemaTs, ExplicitNamesCasingAndProperties) {
  const std::string text = R"ts(
export const users = pgTable("users", {
  id: integer("user_id"),
  createdAt: timestamp(),
  userID: text(),
  HTMLBody: text(),
  Mixed: text("MixedCase"),
});
)ts";
  const SchemaLoad snake = load(text, "snake_case");
  const model::Table& s = table(snake, "users");
  ASSERT_EQ(s.columns.size(), 5U);
  EXPECT_EQ(s.columns[0].name, "user_id");
  EXPECT_EQ(s.columns[0].property(), "id");
  EXPECT_EQ(s.columns[1].name, "created_at");
  EXPECT_EQ(s.columns[1].property(), "createdAt");
  EXPECT_EQ(s.columns[2].name, "user_id");
  EXPECT_EQ(s.columns[3].name, "html_body");
  EXPECT_EQ(s.columns[4].name, "MixedCase");
  EXPECT_EQ(s.property, "users");

  const SchemaLoad none = load(text);
  EXPECT_EQ(table(none, "users").columns[1].name, "createdAt");

  EXPECT_EQ(drizzle_names::apply_casing("created_at", "camelCase"), "createdAt");
  EXPECT_EQ(drizzle_names::apply_casing("line2Total", "snake_case"), "line2_total");
}

TEST(DrizzleSchemaTs, EnumsArraysAndCustomTypes) {
  const SchemaLoad result = load(R"ts(
import { pgEnum, pgTable, text, customType } from "drizzle-orm/pg-core";
const moods = ["sad", "ok", "happy"] as const;
export const mood = pgEnum("mood", moods);
const bytea = customType<{ data: Buffer }>({ dataType() { return "bytea"; } });
const opaque = customType<{ data: string }>({ dataType: () => computeType() });
export const diary = pgTable("diary", {
  mood: mood().notNull(),
  history: mood("past_moods").array(),
  grid: text().array().array(),
  raw: bytea(),
  weird: opaque(),
});
)ts");
  ASSERT_EQ(result.catalog.enums.size(), 1U);
  EXPECT_EQ(result.catalog.enums[0].name, "mood");
  EXPECT_EQ(result.catalog.enums[0].values, (std::vector<std::string>{"sad", "ok", "happy"}));
  const model::Table& t = table(result, "diary");
  EXPECT_EQ(column(t, "mood").type.name, "mood");
  EXPECT_EQ(column(t, "mood").type.schema, "public");
  EXPECT_EQ(column(t, "past_moods").type.array_dims, 1);
  EXPECT_EQ(column(t, "grid").type.array_dims, 2);
  EXPECT_EQ(column(t, "raw").type.name, "bytea");
  EXPECT_EQ(t.find_column("weird"), nullptr);
  EXPECT_EQ(only_note(result, "custom type `opaque`").location.line, 12);
}

// ---- modifiers -------------------------------------------------------------

TEST(DrizzleSchemaTs, ModifiersAndDefaultsAsDrizzleKitWritesThem) {
  const SchemaLoad result = load(R"ts(
import { sql } from "drizzle-orm";
export const users = pgTable("users", {
  id: uuid().primaryKey().defaultRandom(),
  email: text().notNull().unique(),
  handle: text().unique("users_handle_key"),
  settings: text().default("{}"),
  prefs: jsonb().default({ theme: "dark", n: [1, 2] }),
  blob: json().default([]),
  tags: text().array().default(["a", "b"]),
  empty: integer().array().default([]),
  count: integer().default(0).notNull(),
  ratio: real().default(1.50),
  on: boolean().default(true),
  quote: text().default("it's"),
  seen: timestamp().defaultNow(),
  expr: text().default(sql`'x' || 'y'`),
  runtime: text().$defaultFn(() => crypto.randomUUID()).$type<string>(),
  ident: integer().generatedAlwaysAsIdentity(),
  byDefault: integer().generatedByDefaultAsIdentity(),
  numbered: integer().generatedByDefaultAsIdentity({ name: "numbered_seq", startWith: 1000, cache: 20, cycle: true, maxValue: "5000000000", increment: 1, minValue: 1 }),
  later: text().default(computeDefault()),
});
)ts");
  const model::Table& t = table(result, "users");
  ASSERT_NE(t.primary_key(), nullptr);
  EXPECT_EQ(t.primary_key()->name, "users_pkey");
  EXPECT_EQ(key_columns(*t.primary_key()), std::vector<std::string>{"id"});
  EXPECT_TRUE(column(t, "id").not_null);
  EXPECT_EQ(column(t, "id").default_expr.value_or(""), "gen_random_uuid()");
  EXPECT_TRUE(column(t, "email").not_null);
  const model::Index* unique = t.find_index("users_email_unique");
  ASSERT_NE(unique, nullptr);
  EXPECT_EQ(unique->kind, model::IndexKind::unique_constraint);
  EXPECT_TRUE(unique->unique);
  EXPECT_NE(t.find_index("users_handle_key"), nullptr);
  EXPECT_EQ(column(t, "settings").default_expr.value_or(""), "'{}'");
  EXPECT_EQ(column(t, "prefs").default_expr.value_or(""), "'{\"theme\":\"dark\",\"n\":[1,2]}'::jsonb");
  EXPECT_EQ(column(t, "blob").default_expr.value_or(""), "'[]'::json");
  EXPECT_EQ(column(t, "tags").default_expr.value_or(""), "'{\"a\",\"b\"}'");
  EXPECT_EQ(column(t, "empty").default_expr.value_or(""), "'{}'");
  EXPECT_EQ(column(t, "count").default_expr.value_or(""), "0");
  EXPECT_EQ(column(t, "ratio").default_expr.value_or(""), "1.5");
  EXPECT_EQ(column(t, "on").default_expr.value_or(""), "true");
  EXPECT_EQ(column(t, "quote").default_expr.value_or(""), "'it''s'");
  EXPECT_EQ(column(t, "seen").default_expr.value_or(""), "now()");
  EXPECT_EQ(column(t, "expr").default_expr.value_or(""), "'x' || 'y'");
  EXPECT_FALSE(column(t, "runtime").default_expr.has_value());
  EXPECT_TRUE(column(t, "ident").identity);
  EXPECT_TRUE(column(t, "ident").identity_always);
  EXPECT_TRUE(column(t, "ident").not_null);
  EXPECT_TRUE(column(t, "byDefault").identity);
  EXPECT_FALSE(column(t, "byDefault").identity_always);
  EXPECT_FALSE(column(t, "byDefault").sequence() != nullptr);
  ASSERT_TRUE(column(t, "numbered").sequence() != nullptr);
  model::ColumnSequence numbered;
  numbered.name = "numbered_seq";
  numbered.start = 1000;
  numbered.cache = 20;
  numbered.cycle = true;
  numbered.max_value = 5000000000; // increment and minValue are the defaults: not kept
  EXPECT_EQ(*column(t, "numbered").sequence(), numbered);
  EXPECT_TRUE(t.drizzle_column_param.empty()); // its columns are an object, not a callback
  EXPECT_FALSE(column(t, "later").default_expr.has_value());
  const core::Finding note = only_note(result, "default of column `users.later`");
  EXPECT_EQ(note.rule, "replay-warning");
  EXPECT_EQ(note.severity, core::Severity::info);
}

TEST(DrizzleSchemaTs, ReferencesForwardAcrossFilesWithDefaultNamesAndActions) {
  const SchemaLoad result = load_drizzle_schema_sources({SchemaTsSource{"db/posts.ts", R"ts(
import { pgTable, integer, uuid, text } from "drizzle-orm/pg-core";
import { users as people } from "./users";
export const posts = pgTable("posts", {
  id: integer().primaryKey(),
  authorId: uuid().notNull().references(() => people.id, { onDelete: "cascade", onUpdate: "restrict" }),
  topicId: integer().references(() => topics.id),
  parentId: integer().references((): AnyPgColumn => posts.id, { onDelete: "set null" }),
  ghostId: integer().references(() => ghosts.id),
});
export const topics = pgTable("topics", { id: integer().primaryKey() });
)ts"},
                                                         SchemaTsSource{"db/users.ts", R"ts(
export const users = pgTable("users", { id: uuid().primaryKey() });
)ts"}},
                                                        "snake_case");
  const model::Table& posts = table(result, "posts");
  ASSERT_EQ(posts.foreign_keys.size(), 3U);
  const model::ForeignKey* author = fk_named(posts, "posts_author_id_users_id_fk");
  ASSERT_NE(author, nullptr);
  EXPECT_EQ(author->columns, std::vector<std::string>{"author_id"});
  EXPECT_EQ(author->ref_table, "users");
  EXPECT_EQ(author->ref_schema, "public");
  EXPECT_EQ(author->ref_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(author->on_delete, model::FkAction::cascade);
  EXPECT_EQ(author->on_update, model::FkAction::restrict);
  EXPECT_EQ(author->location.file, "db/posts.ts");
  EXPECT_EQ(author->location.line, 6);
  EXPECT_EQ(author->location.column, 30); // `references`
  const model::ForeignKey* topic = fk_named(posts, "posts_topic_id_topics_id_fk");
  ASSERT_NE(topic, nullptr);
  EXPECT_EQ(topic->on_delete, model::FkAction::no_action);
  const model::ForeignKey* parent = fk_named(posts, "posts_parent_id_posts_id_fk");
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->on_delete, model::FkAction::set_null);
  EXPECT_EQ(only_note(result, "`ghosts.id`").location.line, 9);
}

// ---- the extra-config callback ---------------------------------------------

TEST(DrizzleSchemaTs, IndexNullsOrder) {
  const SchemaLoad result = load(R"ts(
export const events = pgTable("events", { id: integer().primaryKey(), at: timestamp(), seen: timestamp() },
  (t) => [
    index("events_at_idx").on(t.at.desc().nullsLast()),
    index("events_seen_idx").on(t.seen.asc().nullsFirst()),
    index("events_id_idx").on(t.id.desc()),
  ]);
)ts",
                                 "snake_case");
  const model::Table& t = table(result, "events");
  ASSERT_NE(t.find_index("events_at_idx"), nullptr);
  const model::IndexKey& at = t.find_index("events_at_idx")->keys.at(0);
  EXPECT_TRUE(at.descending);
  EXPECT_EQ(at.nulls_first, std::optional<bool>(false));
  ASSERT_NE(t.find_index("events_seen_idx"), nullptr);
  EXPECT_EQ(t.find_index("events_seen_idx")->keys.at(0).nulls_first, std::optional<bool>(true));
  ASSERT_NE(t.find_index("events_id_idx"), nullptr);
  // Drizzle's index columns default to NULLS LAST in both directions:
  // drizzle-kit writes `.desc()` as DESC NULLS LAST.
  EXPECT_EQ(t.find_index("events_id_idx")->keys.at(0).nulls_first, std::optional<bool>(false));
  EXPECT_FALSE(t.find_index("events_id_idx")->keys.at(0).effective_nulls_first());
}

TEST(DrizzleSchemaTs, ExtraConfigArrayFormIndexesAndConstraints) {
  const SchemaLoad result = load(R"ts(
import { sql } from "drizzle-orm";
export const orgs = pgTable("orgs", { id: integer().primaryKey() });
export const posts = pgTable(
  "posts",
  {
    id: serial().primaryKey(),
    orgId: integer().notNull(),
    authorId: integer(),
    title: text(),
    tags: text().array(),
  },
  (t) => [
    index().on(t.orgId, t.authorId),
    index("posts_title_idx").on(t.title.desc()),
    uniqueIndex("posts_org_title").on(t.orgId, t.title).where(sql`${t.title} is not null`),
    index("posts_tags_gin").using("gin", t.tags),
    index("posts_lower_title").on(sql`lower(${t.title})`),
    index("posts_title_ops").on(t.title.op("text_pattern_ops")),
    unique().on(t.authorId, t.title),
    unique("posts_author_title_key").on(t.authorId, t.title),
    foreignKey({ columns: [t.orgId], foreignColumns: [orgs.id] }).onDelete("cascade"),
    check("title_len", sql`length(${t.title}) > 0`),
  ],
);
)ts",
                                 "snake_case");
  const model::Table& t = table(result, "posts");
  const model::Index* by_org = t.find_index("posts_org_id_author_id_index");
  ASSERT_NE(by_org, nullptr);
  EXPECT_EQ(key_columns(*by_org), (std::vector<std::string>{"org_id", "author_id"}));
  EXPECT_EQ(by_org->kind, model::IndexKind::index);
  EXPECT_FALSE(by_org->unique);
  EXPECT_EQ(by_org->location.line, 14);
  EXPECT_EQ(by_org->location.column, 5);
  const model::Index* title = t.find_index("posts_title_idx");
  ASSERT_NE(title, nullptr);
  EXPECT_TRUE(title->keys[0].descending);
  const model::Index* partial = t.find_index("posts_org_title");
  ASSERT_NE(partial, nullptr);
  EXPECT_TRUE(partial->unique);
  EXPECT_EQ(partial->predicate, "\"posts\".\"title\" is not null");
  const model::Index* gin = t.find_index("posts_tags_gin");
  ASSERT_NE(gin, nullptr);
  EXPECT_EQ(gin->method, "gin");
  EXPECT_EQ(key_columns(*gin), std::vector<std::string>{"tags"});
  const model::Index* lower = t.find_index("posts_lower_title");
  ASSERT_NE(lower, nullptr);
  ASSERT_EQ(lower->keys.size(), 1U);
  EXPECT_EQ(lower->keys[0].expression, "lower(\"title\")");
  EXPECT_TRUE(lower->has_expressions());
  ASSERT_NE(t.find_index("posts_title_ops"), nullptr);
  EXPECT_EQ(t.find_index("posts_title_ops")->keys[0].opclass, "text_pattern_ops");
  // Unnamed unique constraints use the property names, as drizzle-orm does.
  const model::Index* unique = t.find_index("posts_authorId_title_unique");
  ASSERT_NE(unique, nullptr);
  EXPECT_EQ(unique->kind, model::IndexKind::unique_constraint);
  EXPECT_EQ(key_columns(*unique), (std::vector<std::string>{"author_id", "title"}));
  EXPECT_NE(t.find_index("posts_author_title_key"), nullptr);
  const model::ForeignKey* fk = fk_named(t, "posts_org_id_orgs_id_fk");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->on_delete, model::FkAction::cascade);
  EXPECT_EQ(fk->ref_table, "orgs");
  ASSERT_EQ(t.checks.size(), 1U);
  EXPECT_EQ(t.checks[0].name, "title_len");
  EXPECT_EQ(t.checks[0].expression, "length(\"posts\".\"title\") > 0");
  EXPECT_TRUE(notes_of(result).empty());
}

TEST(DrizzleSchemaTs, ExtraConfigObjectFormAndBlockBodyAndOldPrimaryKey) {
  const SchemaLoad result = load(R"ts(
export const members = pgTable("members", {
  orgId: integer().notNull(),
  userId: integer().notNull(),
}, (table) => {
  return {
    pk: primaryKey({ columns: [table.orgId, table.userId] }),
    byUser: index("members_user_idx").on(table.userId),
  };
});
export const pairs = pgTable("pairs", { leftId: integer(), rightId: integer() },
  (t) => ({ pk: primaryKey(t.leftId, t.rightId) }));
export const named = pgTable("named", { a: integer(), b: integer() },
  ({ a, b }) => [primaryKey({ name: "named_custom_pk", columns: [a, b] })]);
)ts",
                                 "snake_case");
  const model::Table& members = table(result, "members");
  ASSERT_NE(members.primary_key(), nullptr);
  EXPECT_EQ(members.primary_key()->name, "members_org_id_user_id_pk");
  EXPECT_EQ(members.primary_key()->property, "pk");
  const model::Index* by_user = members.find_index("members_user_idx");
  ASSERT_NE(by_user, nullptr);
  EXPECT_EQ(by_user->property, "byUser");
  const model::Table& pairs = table(result, "pairs");
  ASSERT_NE(pairs.primary_key(), nullptr);
  EXPECT_EQ(pairs.primary_key()->name, "pairs_left_id_right_id_pk");
  EXPECT_TRUE(column(pairs, "left_id").not_null); // primary key columns are NOT NULL
  const model::Table& named = table(result, "named");
  ASSERT_NE(named.primary_key(), nullptr);
  EXPECT_EQ(named.primary_key()->name, "named_custom_pk");
  EXPECT_EQ(key_columns(*named.primary_key()), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(notes_of(result).empty());
}

// ---- schemas ---------------------------------------------------------------

// t3's createTable callback style: the columns callback's parameter is what
// Drizzle fixes write builders with (`d.bigint(...)`, no import needed).
TEST(DrizzleSchemaTs, ColumnsCallbackParameterIsKept) {
  const SchemaLoad result = load(R"ts(
export const boards = pgTable("boards", (d) => ({
  id: d.integer().primaryKey().generatedByDefaultAsIdentity(),
  title: d.varchar({ length: 120 }).notNull(),
}), (t) => [index("boards_title_idx").on(t.title)]);
)ts");
  const model::Table& boards = table(result, "boards");
  EXPECT_EQ(boards.drizzle_column_param, "d");
  EXPECT_EQ(boards.drizzle_config_param, "t");
  EXPECT_TRUE(column(boards, "id").identity);
  EXPECT_FALSE(column(boards, "id").identity_always);
}

TEST(DrizzleSchemaTs, PgSchemaTablesAndEnums) {
  const SchemaLoad result = load(R"ts(
import * as p from "drizzle-orm/pg-core";
export const billing = p.pgSchema("billing");
export const currency = billing.enum("currency", ["usd", "eur"]);
export const invoices = billing.table("invoices", {
  id: p.serial().primaryKey(),
  cur: currency().notNull(),
  userId: p.integer().references(() => users.id),
});
export const users = p.pgTable("users", { id: p.serial().primaryKey() });
)ts");
  EXPECT_TRUE(result.catalog.has_schema("billing"));
  const model::Table& invoices = table(result, "invoices", "billing");
  EXPECT_EQ(column(invoices, "cur").type.name, "currency");
  EXPECT_EQ(column(invoices, "cur").type.schema, "billing");
  EXPECT_EQ(column(invoices, "id").default_expr.value_or(""), "nextval('billing.invoices_id_seq'::regclass)");
  ASSERT_NE(result.catalog.find_enum("billing", "currency"), nullptr);
  const model::ForeignKey* fk = fk_named(invoices, "invoices_userId_users_id_fk");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->ref_schema, "public");
  EXPECT_EQ(result.catalog.find_table("public", "invoices"), nullptr);
}

// ---- what cannot be resolved -----------------------------------------------

TEST(DrizzleSchemaTs, UnresolvableConstructsBecomeLocatedNotesAndTheRestIsRead) {
  const SchemaLoad result = load(R"ts(
import { timestamps, makeColumns, tableName } from "./helpers";
const shared = { createdAt: timestamp().defaultNow() };
export const a = pgTable("a", {
  id: serial().primaryKey(),
  ...shared,
  ...timestamps(),
  ...imported,
  [dynamicKey]: text(),
  fromCall: makeColumn(),
  weird: geography(),
  kept: text().notNull(),
});
export const b = pgTable(`${prefix}_b`, { id: serial() });
export const c = pgTable(tableName, { id: serial() });
export const d = pgTable("d", makeColumns());
export const e = pgTable("e", { id: serial() }, buildConfig);
export const f = pgTable(`f_${"static"}`, { id: serial() }, (t) => [index().on(t.missing), index("ok").on(t.id)]);
)ts",
                                 "snake_case");
  const model::Table& a = table(result, "a");
  EXPECT_NE(a.find_column("created_at"), nullptr); // a spread of a literal object in the file is read
  EXPECT_NE(a.find_column("kept"), nullptr);
  EXPECT_TRUE(column(a, "kept").not_null);
  EXPECT_EQ(a.find_column("from_call"), nullptr);
  EXPECT_EQ(a.find_column("weird"), nullptr);
  EXPECT_EQ(a.columns.size(), 3U);
  EXPECT_EQ(result.catalog.find_table("public", "b"), nullptr);
  EXPECT_EQ(result.catalog.find_table("public", "c"), nullptr);
  EXPECT_NE(result.catalog.find_table("public", "d"), nullptr);
  EXPECT_NE(result.catalog.find_table("public", "e"), nullptr);
  const model::Table& f = table(result, "f_static");
  EXPECT_NE(f.find_index("ok"), nullptr);

  std::vector<std::pair<int, std::string>> got;
  for (const core::Finding& note : notes_of(result)) {
    EXPECT_EQ(note.rule, "replay-warning");
    EXPECT_EQ(note.severity, core::Severity::info);
    EXPECT_EQ(note.location.file, "db/schema.ts");
    got.emplace_back(note.location.line, note.message.substr(k_schema_ts_unresolved.size()));
  }
  const std::vector<std::pair<int, std::string>> expected = {
      {7, "the spread `...timestamps()` in the columns of table `a`"},
      {8, "the spread `...imported` in the columns of table `a`"},
      {9, "a computed column name in table `a`"},
      {10, "the column builder `makeColumn` of column `a.fromCall`"},
      {11, "the column builder `geography` of column `a.weird`"},
      {14, "the table name of `b`"},
      {15, "the table name of `c`"},
      {16, "the columns of table `d`, built by a function call"},
      {17, "the extra config of table `e`"},
      {18, "the column `t.missing` in table `f_static`"},
  };
  EXPECT_EQ(got, expected);
  EXPECT_EQ(notes_of(result)[0].location.column, 3);
}

TEST(DrizzleSchemaTs, UnexportedTablesAreNotSchemaObjectsButResolve) {
  const SchemaLoad result = load(R"ts(
const internal = pgTable("internal", { id: serial().primaryKey() });
const listed = pgTable("listed", { id: serial().primaryKey() });
export const users = pgTable("users", { internalId: integer().references(() => internal.id) });
export { listed };
)ts");
  EXPECT_EQ(names_of_tables(result.catalog), (std::vector<std::string>{"public.listed", "public.users"}));
  EXPECT_EQ(table(result, "users").foreign_keys.size(), 1U);
  EXPECT_FALSE(result.notes.empty());
}

// ---- locations and suppressions --------------------------------------------

TEST(DrizzleSchemaTs, LocationsPointAtTheDeclarations) {
  const SchemaLoad result = load("export const users = pgTable(\"users\", {\n"
                                 "  id: serial().primaryKey(),\n"
                                 "    email: text()\n"
                                 "      .notNull(),\n"
                                 "});\n"
                                 "export const mood = pgEnum(\"mood\", [\"a\"]);\n");
  const model::Table& t = table(result, "users");
  EXPECT_EQ(t.location.to_string(), "db/schema.ts:1:14");
  EXPECT_EQ(column(t, "id").location.to_string(), "db/schema.ts:2:3");
  EXPECT_EQ(column(t, "email").location.to_string(), "db/schema.ts:3:5");
  EXPECT_EQ(t.primary_key()->location.to_string(), "db/schema.ts:2:3");
  ASSERT_EQ(result.catalog.enums.size(), 1U);
  EXPECT_EQ(result.catalog.enums[0].location.to_string(), "db/schema.ts:6:14");
}

TEST(DrizzleSchemaTs, IgnoreCommentsCoverTheDeclarationTheyPrecede) {
  const SchemaLoad result = load(R"ts(
export const users = pgTable("users", {
  id: serial().primaryKey(),
  // pgadvise-ignore json-in-text-column
  settings: text()
    .default("{}"),
  payload: text(), // pgadvise-ignore json-column-not-jsonb
  other: text(),
});
/* pgadvise-ignore missing-primary-key */
export const log = pgTable("log", {
  at: timestamp(),
});
)ts");
  auto finding = [](const std::string& rule, int line) {
    core::Finding f;
    f.rule = rule;
    f.location = core::SourceLocation{"db/schema.ts", line, 3};
    return f;
  };
  EXPECT_TRUE(result.suppressions.suppresses(finding("json-in-text-column", 5)));
  EXPECT_TRUE(result.suppressions.suppresses(finding("json-in-text-column", 6)));
  EXPECT_FALSE(result.suppressions.suppresses(finding("json-in-text-column", 7)));
  EXPECT_FALSE(result.suppressions.suppresses(finding("unindexed-foreign-key", 5)));
  EXPECT_TRUE(result.suppressions.suppresses(finding("json-column-not-jsonb", 7)));
  EXPECT_FALSE(result.suppressions.suppresses(finding("json-column-not-jsonb", 8)));
  EXPECT_TRUE(result.suppressions.suppresses(finding("missing-primary-key", 11)));
  EXPECT_TRUE(result.suppressions.suppresses(finding("missing-primary-key", 13)));
  EXPECT_FALSE(result.suppressions.suppresses(finding("missing-primary-key", 2)));
}

// ---- robustness --------------------------------------------------------------

TEST(DrizzleSchemaTs, GarbageAndTruncatedInputNeverCrashOrHang) {
  const std::string valid =
      pgadvise::test::read_text(k_fixtures / "schema-ts/kitchen-sink/schema/accounts.ts");
  ASSERT_FALSE(valid.empty());
  // Every prefix of a real schema file: the tables before the cut are read.
  for (std::size_t cut = 0; cut <= valid.size(); cut += 7) {
    const SchemaLoad result = load(valid.substr(0, cut), "snake_case");
    if (cut == valid.size()) {
      EXPECT_EQ(result.catalog.tables.size(), 2U);
    }
  }
  const SchemaLoad half =
      load(valid.substr(0, valid.find("export const sessions")) + "export const x = pgTable(\"x\", {",
           "snake_case");
  EXPECT_NE(half.catalog.find_table("public", "accounts"), nullptr);

  std::mt19937 rng(20240601);
  const std::vector<std::string> pieces = {
      "pgTable(", "\"t\"", "{",  "}",   "(",  ")",    "[",      "]",    "=>",     ",",
      ":",        "`",     "${", "'",   "//", "/*",   "*/",     ".",    "text()", "export const ",
      "x",        "<",     ">",  "...", "\n", "sql`", "index(", ".on(", "t.",     "=",
      ";"};
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 120);
    for (int i = 0; i < length; ++i) {
      if (rng() % 4 == 0) {
        text += static_cast<char>(rng() % 256);
      } else {
        text += pieces[rng() % pieces.size()];
      }
    }
    const SchemaLoad result = load(text, "snake_case");
    for (const core::Finding& finding : result.diagnostics) {
      EXPECT_FALSE(finding.rule.empty());
    }
  }
  // Deep nesting does not exhaust the stack.
  const SchemaLoad deep =
      load("export const t = pgTable(\"t\", {a: text().default(" + std::string(100000, '[') + "})");
  EXPECT_NE(deep.catalog.find_table("public", "t"), nullptr);
  const SchemaLoad deep_parens =
      load("export const t = " + std::string(50000, '(') + std::string(50000, '<'));
  EXPECT_TRUE(deep_parens.catalog.tables.empty());
}

// What the tokenizer had to repair is a located parse-error, and the tables
// before it are still read.
TEST(DrizzleSchemaTs, UnterminatedStringsCommentsAndTemplatesAreLocated) {
  const std::string table = "export const a = pgTable(\"a\", { id: serial().primaryKey() });\n";
  for (const std::string& tail : {std::string("export const b = pgTable(\"b"),
                                  std::string("/* never closed\n\n"), std::string("const s = sql`select ${x"),
                                  std::string("const s = 'abc\n"), std::string("const r = /[unclosed")}) {
    SCOPED_TRACE(tail);
    const SchemaLoad result = load(table + tail);
    EXPECT_NE(result.catalog.find_table("public", "a"), nullptr);
    for (const core::Finding& finding : result.diagnostics) {
      EXPECT_EQ(finding.location.file, "db/schema.ts");
      EXPECT_GE(finding.location.line, 1);
    }
  }
  const SchemaLoad comment = load(table + "/* never closed\n");
  ASSERT_FALSE(comment.diagnostics.empty());
  EXPECT_EQ(comment.diagnostics.front().rule, "parse-error");
  EXPECT_EQ(comment.diagnostics.front().location.line, 2);
}

// Pathological shapes that made earlier readers recurse or loop: deep
// arrow functions, objects, member chains, template nesting, NUL bytes.
TEST(DrizzleSchemaTs, HostileShapesNeverCrash) {
  std::string arrows = "export const t = pgTable(\"t\", { a: text() }, ";
  for (int i = 0; i < 20000; ++i) {
    arrows += "(t) => ";
  }
  arrows += "[]);";
  EXPECT_NE(load(arrows).catalog.find_table("public", "t"), nullptr);

  std::string objects = "export const t = pgTable(\"t\", { a: text().default(";
  for (int i = 0; i < 20000; ++i) {
    objects += "{ a: ";
  }
  EXPECT_NE(load(objects).catalog.find_table("public", "t"), nullptr);

  std::string chain = "export const t = pgTable(\"t\", { a: text()";
  for (int i = 0; i < 50000; ++i) {
    chain += ".notNull()";
  }
  chain += " });";
  // Too long to follow: the column is a located note, not a guess.
  const SchemaLoad chained = load(chain);
  ASSERT_NE(chained.catalog.find_table("public", "t"), nullptr);
  const model::Table& chained_table = *chained.catalog.find_table("public", "t");
  if (chained_table.columns.empty()) {
    ASSERT_FALSE(notes_of(chained).empty());
    EXPECT_EQ(notes_of(chained).front().location.line, 1);
  } else {
    EXPECT_TRUE(chained_table.columns.front().not_null);
  }
  // A long but real chain is read.
  std::string real = "export const t = pgTable(\"t\", { a: text()";
  for (int i = 0; i < 100; ++i) {
    real += ".notNull()";
  }
  const SchemaLoad real_chain = load(real + " });");
  ASSERT_EQ(table(real_chain, "t").columns.size(), 1U);
  EXPECT_TRUE(table(real_chain, "t").columns.front().not_null);

  std::string templates = "const x = `";
  for (int i = 0; i < 20000; ++i) {
    templates += "${`";
  }
  EXPECT_TRUE(load(templates).catalog.tables.empty());

  // An unmatched `{` in a destructured parameter followed by a stray closer
  // (found by fuzzing: the reader looped forever on it).
  const SchemaLoad pattern = load("export const t = pgTable(\"t\", { a: text() }, ({ a, b ]) => []);\n"
                                  "export const u = pgTable(\"u\", { b: text() });\n");
  EXPECT_NE(pattern.catalog.find_table("public", "t"), nullptr);

  std::string nul("export const t = pgTable(\"t\", { a: text() });\n");
  nul += std::string(1000, '\0');
  EXPECT_NE(load(nul).catalog.find_table("public", "t"), nullptr);
}

// A large schema (2,000 tables, about 1 MB) is read whole.
TEST(DrizzleSchemaTs, HugeFilesAreReadWhole) {
  std::string text = "import { pgTable, serial, text, integer, index } from \"drizzle-orm/pg-core\";\n";
  constexpr int k_tables = 2000;
  for (int i = 0; i < k_tables; ++i) {
    const std::string n = std::to_string(i);
    text += "export const t" + n + " = pgTable(\"t" + n +
            "\", {\n  id: serial().primaryKey(),\n  name: text(),\n" +
            "  parentId: integer().references(() => t0.id),\n}, (t) => [index(\"t" + n +
            "_parent_idx\").on(t.parentId)]);\n";
  }
  const SchemaLoad result = load(text, "snake_case");
  EXPECT_EQ(result.catalog.tables.size(), static_cast<std::size_t>(k_tables));
  const model::Table& last = table(result, "t1999");
  EXPECT_EQ(last.foreign_keys.size(), 1U);
  EXPECT_NE(last.find_index("t1999_parent_idx"), nullptr);
}

// Glob patterns with many `**` or `{a,b}` groups stay cheap.
TEST(DrizzleSchemaTs, HostileGlobsStayCheap) {
  std::string stars;
  for (int i = 0; i < 40; ++i) {
    stars += "**/";
  }
  EXPECT_FALSE(schema_glob_match(stars + "x.ts", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/y.ts"));
  EXPECT_TRUE(schema_glob_match(stars + "y.ts", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/y.ts"));
  std::string braces;
  for (int i = 0; i < 12; ++i) {
    braces += "{a,b,c,d}";
  }
  EXPECT_FALSE(schema_glob_match(braces + ".ts", "zzzz.ts"));
}

// ---- schema paths ------------------------------------------------------------

TEST(DrizzleSchemaTs, ExpandsConfigSchemaEntries) {
  const fs::path root = fs::temp_directory_path() / ("pgadvise-schemats-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "src/db/schema/nested");
  fs::create_directories(root / "src/db/.hidden");
  fs::create_directories(root / "lib");
  for (const char* file : {"src/db/schema/users.ts", "src/db/schema/posts.ts", "src/db/schema/types.d.ts",
                           "src/db/schema/README.md", "src/db/schema/nested/deep.ts", "src/db/.hidden/x.ts",
                           "lib/one.ts", "lib/two.js", "src/db/single.ts"}) {
    std::ofstream(root / file) << "export {};\n";
  }
  auto rel = [&](const std::vector<fs::path>& paths) {
    std::vector<std::string> out;
    for (const fs::path& path : paths) {
      out.push_back(path.lexically_relative(root).generic_string());
    }
    return out;
  };
  EXPECT_EQ(rel(expand_schema_paths(root, {"./src/db/single.ts"})),
            std::vector<std::string>{"src/db/single.ts"});
  EXPECT_EQ(rel(expand_schema_paths(root, {"./src/db/schema"})),
            (std::vector<std::string>{"src/db/schema/posts.ts", "src/db/schema/users.ts"}));
  EXPECT_EQ(rel(expand_schema_paths(root, {"./src/db/schema/*.ts"})),
            (std::vector<std::string>{"src/db/schema/posts.ts", "src/db/schema/users.ts"}));
  EXPECT_EQ(rel(expand_schema_paths(root, {"./src/**/*.ts"})),
            (std::vector<std::string>{"src/db/schema/nested/deep.ts", "src/db/schema/posts.ts",
                                      "src/db/schema/users.ts", "src/db/single.ts"}));
  EXPECT_EQ(rel(expand_schema_paths(root, {"lib/{one,two}.{ts,js}", "./src/db/single.ts"})),
            (std::vector<std::string>{"lib/one.ts", "lib/two.js", "src/db/single.ts"}));
  std::vector<std::string> notes;
  EXPECT_TRUE(expand_schema_paths(root, {"./src/missing/*.ts"}, &notes).empty());
  EXPECT_EQ(notes.size(), 1U);
  EXPECT_TRUE(schema_glob_match("src/**/schema.ts", "src/schema.ts"));
  EXPECT_TRUE(schema_glob_match("src/db/s?hema.ts", "src/db/schema.ts"));
  EXPECT_FALSE(schema_glob_match("src/*.ts", "src/db/schema.ts"));
  fs::remove_all(root);
}

TEST(DrizzleSchemaTs, FollowsReExportsOfABarrelFile) {
  const fs::path dir = k_fixtures / "schema-ts/barrel";
  const SchemaLoad result = load_drizzle_schema({dir / "index.ts"}, "snake_case");
  EXPECT_EQ(names_of_tables(result.catalog), (std::vector<std::string>{"public.posts", "public.users"}));
  const model::ForeignKey* fk = fk_named(table(result, "posts"), "posts_user_id_users_id_fk");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(result.files_read, 3U);
}

} // namespace drizzle_schema_ts_test
