// Where `pgadvise fix` puts Drizzle lines in a schema file, and how it keeps
// the file's own style. The round trip through real drizzle-kit is
// fix_round_trip_test.cpp; these pin the layout of each form.
#include "app/fix/fix_schema_ts.hpp"

#include <gtest/gtest.h>

namespace fix_schema_ts_test {

using pgadvise::app::plan_schema_ts_edits;
using pgadvise::app::SchemaEdit;
using pgadvise::app::SchemaEditKind;

std::string edited(const std::string& source, const std::vector<SchemaEdit>& requests) {
  const auto plan = plan_schema_ts_edits(source, requests);
  EXPECT_TRUE(plan.problems.empty()) << plan.problems.front();
  const auto out = pgadvise::core::apply_edits(source, plan.edits);
  EXPECT_TRUE(out.ok());
  return out.ok() ? *out : std::string();
}

SchemaEdit add(const std::string& table, const std::string& name, const std::string& entry) {
  return {SchemaEditKind::add_index, table, entry, name};
}

TEST(FixSchemaTs, ArrayFormOnePerLineKeepsTrailingCommas) {
  const std::string source = "import { index, pgTable, integer } from \"drizzle-orm/pg-core\";\n"
                             "export const posts = pgTable(\n"
                             "  \"posts\",\n"
                             "  { authorId: integer(\"author_id\"), orgId: integer(\"org_id\") },\n"
                             "  (t) => [\n"
                             "    index(\"posts_org_id_idx\").on(t.orgId),\n"
                             "  ],\n"
                             ");\n";
  EXPECT_EQ(
      edited(source, {add("posts", "posts_author_id_idx", "index(\"posts_author_id_idx\").on(t.authorId)")}),
      "import { index, pgTable, integer } from \"drizzle-orm/pg-core\";\n"
      "export const posts = pgTable(\n"
      "  \"posts\",\n"
      "  { authorId: integer(\"author_id\"), orgId: integer(\"org_id\") },\n"
      "  (t) => [\n"
      "    index(\"posts_org_id_idx\").on(t.orgId),\n"
      "    index(\"posts_author_id_idx\").on(t.authorId),\n"
      "  ],\n"
      ");\n");
}

TEST(FixSchemaTs, ObjectFormGetsAKeyAndTheImportItsSortedPlace) {
  const std::string source =
      "import {\n  integer,\n  pgTable,\n} from \"drizzle-orm/pg-core\";\n"
      "export const m = pgTable(\"m\", { teamId: integer(\"team_id\") }, (table) => ({\n"
      "  x: integer,\n"
      "}));\n";
  EXPECT_EQ(edited(source, {add("m", "m_team_id_idx", "index(\"m_team_id_idx\").on(table.teamId)")}),
            "import {\n  index,\n  integer,\n  pgTable,\n} from \"drizzle-orm/pg-core\";\n"
            "export const m = pgTable(\"m\", { teamId: integer(\"team_id\") }, (table) => ({\n"
            "  x: integer,\n"
            "  teamIdIdx: index(\"m_team_id_idx\").on(table.teamId),\n"
            "}));\n");
}

// A new callback takes the parameter name the file's other callbacks use,
// as in fixtures/drizzle-history/long/schema.ts: `(t) => [`, not `(table) => [`.
TEST(FixSchemaTs, MissingCallbackUsesTheFilesCallbackParameter) {
  const std::string source = "import { index, integer, pgTable, uuid } from 'drizzle-orm/pg-core';\n"
                             "export const users = pgTable('users', {\n"
                             "  authId: uuid('auth_id'),\n"
                             "});\n"
                             "export const a = pgTable('a', {\n"
                             "  userId: integer('user_id'),\n"
                             "}, (t) => [\n"
                             "  index('a_user_id_idx').on(t.userId),\n"
                             "]);\n";
  EXPECT_EQ(
      edited(source, {add("users", "users_auth_id_idx", "index(\"users_auth_id_idx\").on(table.authId)")}),
      "import { index, integer, pgTable, uuid } from 'drizzle-orm/pg-core';\n"
      "export const users = pgTable('users', {\n"
      "  authId: uuid('auth_id'),\n"
      "}, (t) => [\n"
      "  index('users_auth_id_idx').on(t.authId),\n"
      "]);\n"
      "export const a = pgTable('a', {\n"
      "  userId: integer('user_id'),\n"
      "}, (t) => [\n"
      "  index('a_user_id_idx').on(t.userId),\n"
      "]);\n");
}

// A file that names each callback's parameter after its table (as
// interval.so's schema.ts does): the new callback takes its own table's
// name, not another table's, which would read as a reference to it.
TEST(FixSchemaTs, MissingCallbackTakesItsTablesNameWhereTheFileNamesThemSo) {
  const std::string source = "import { index, pgTable, uuid } from 'drizzle-orm/pg-core';\n"
                             "export const credentials = pgTable('credentials', {\n"
                             "  userId: uuid('user_id'),\n"
                             "}, (credentials) => ({\n"
                             "  userIdIndex: index().on(credentials.userId),\n"
                             "}));\n"
                             "export const teamMembers = pgTable('team_members', {\n"
                             "  teamId: uuid('team_id'),\n"
                             "});\n";
  const std::string out =
      edited(source, {add("teamMembers", "team_members_team_id_index", "index().on(table.teamId)")});
  EXPECT_NE(out.find("}, (teamMembers) => ({\n"), std::string::npos) << out;
  EXPECT_NE(out.find("index().on(teamMembers.teamId)"), std::string::npos) << out;
  EXPECT_EQ(out.find("credentials.teamId"), std::string::npos) << out;
}

TEST(FixSchemaTs, MissingCallbackIsAddedInTheFilesQuotesAndAlreadyDoneIsNoEdit) {
  const std::string source = "import { integer, pgTable } from 'drizzle-orm/pg-core'\n"
                             "export const o = pgTable('o', {\n"
                             "  customerId: integer('customer_id')\n"
                             "})\n";
  const std::string once =
      edited(source, {add("o", "o_customer_id_idx", "index(\"o_customer_id_idx\").on(table.customerId)")});
  EXPECT_EQ(once, "import { index, integer, pgTable } from 'drizzle-orm/pg-core'\n"
                  "export const o = pgTable('o', {\n"
                  "  customerId: integer('customer_id')\n"
                  "}, (table) => [\n"
                  "  index('o_customer_id_idx').on(table.customerId),\n"
                  "])\n");
  const auto again = plan_schema_ts_edits(
      once, {add("o", "o_customer_id_idx", "index(\"o_customer_id_idx\").on(table.customerId)")});
  EXPECT_TRUE(again.edits.empty());
  EXPECT_EQ(again.already_done.size(), 1U);
}

TEST(FixSchemaTs, RemovesAnEntryLineAndAnInlineEntry) {
  const std::string source =
      "export const p = pgTable(\"p\", {}, (t) => [\n"
      "  index(\"a\").on(t.x),\n"
      "  index(\"b\").on(t.x),\n"
      "]);\n"
      "export const q = pgTable(\"q\", {}, (t) => [index(\"c\").on(t.x), index(\"d\").on(t.y)]);\n";
  EXPECT_EQ(edited(source, {{SchemaEditKind::remove_index, "p", "", "b"},
                            {SchemaEditKind::remove_index, "q", "", "d"}}),
            "export const p = pgTable(\"p\", {}, (t) => [\n"
            "  index(\"a\").on(t.x),\n"
            "]);\n"
            "export const q = pgTable(\"q\", {}, (t) => [index(\"c\").on(t.x)]);\n");
}

TEST(FixSchemaTs, InlineArrayPastTheWidthIsBrokenIntoLinesAndSqlIsImported) {
  const std::string source = "import { pgTable, text, uniqueIndex } from \"drizzle-orm/pg-core\";\n"
                             "export const users = pgTable(\n  \"users\",\n  { email: text(\"email\") },\n"
                             "  (t) => [uniqueIndex(\"users_email_idx\").on(t.email)],\n);\n";
  EXPECT_EQ(edited(source, {add("users", "users_lower_email_idx",
                                "index(\"users_lower_email_idx\").on(sql`lower(${t.email})`)")}),
            "import { index, pgTable, text, uniqueIndex } from \"drizzle-orm/pg-core\";\n"
            "import { sql } from \"drizzle-orm\";\n"
            "export const users = pgTable(\n  \"users\",\n  { email: text(\"email\") },\n"
            "  (t) => [\n"
            "    uniqueIndex(\"users_email_idx\").on(t.email),\n"
            "    index(\"users_lower_email_idx\").on(sql`lower(${t.email})`),\n"
            "  ],\n);\n");
}

TEST(FixSchemaTs, ReplacesAColumnOnceAndSaysWhatItCannotPlace) {
  const std::string source = "import { json, pgTable } from \"drizzle-orm/pg-core\";\n"
                             "export const e = pgTable(\"e\", {\n  payload: json(\"payload\"),\n});\n";
  const std::string once =
      edited(source, {{SchemaEditKind::replace_column, "e", "jsonb(\"payload\")", "payload"}});
  // `json` is no longer used: its import becomes `jsonb`'s, in its sorted place.
  EXPECT_EQ(once, "import { jsonb, pgTable } from \"drizzle-orm/pg-core\";\n"
                  "export const e = pgTable(\"e\", {\n  payload: jsonb(\"payload\"),\n});\n");
  EXPECT_TRUE(
      plan_schema_ts_edits(once, {{SchemaEditKind::replace_column, "e", "jsonb(\"payload\")", "payload"}})
          .edits.empty());
  const auto missing = plan_schema_ts_edits(source, {add("nope", "x", "index(\"x\").on(t.a)")});
  EXPECT_TRUE(missing.edits.empty());
  ASSERT_EQ(missing.problems.size(), 1U);
  EXPECT_NE(missing.problems.front().find("nope"), std::string::npos);
}

SchemaEdit retype(const std::string& table, const std::string& property, const std::string& entry) {
  return {SchemaEditKind::replace_column, table, entry, property};
}

// Issue 30's third report: a type change rewrote the whole column and lost
// $type<...>(), multi-line type literals, the default and comments.
TEST(FixSchemaTs, ATypeChangeRenamesTheBuilderAndKeepsEveryChainedCallAndComment) {
  const std::string source = "import { sql } from \"drizzle-orm\";\n"
                             "import { json, pgTable, text } from \"drizzle-orm/pg-core\";\n"
                             "import type { Policy } from \"./types\";\n"
                             "export const orgs = pgTable(\"orgs\", {\n"
                             "  name: text(\"name\"),\n"
                             "  // who may sign in\n"
                             "  policy: json(\"policy\") // edited on the security page\n"
                             "    .$type<Policy>()\n"
                             "    .notNull()\n"
                             "    .default(sql`'{}'::json`), // filled by the first save\n"
                             "  build: json(\"build\")\n"
                             "    .$type<{\n"
                             "      command: string | null;\n"
                             "      node: \"20.x\" | \"22.x\";\n"
                             "    }>()\n"
                             "    .$defaultFn(() => ({ command: null, node: \"22.x\" })),\n"
                             "  raw: json(\"raw\"),\n"
                             "});\n";
  const auto plan = plan_schema_ts_edits(
      source, {retype("orgs", "policy", "jsonb(\"policy\")"), retype("orgs", "build", "jsonb(\"build\")")});
  ASSERT_TRUE(plan.problems.empty());
  const auto out = pgadvise::core::apply_edits(source, plan.edits);
  ASSERT_TRUE(out.ok());
  // `raw` still uses json, so its import stays and jsonb joins it.
  EXPECT_EQ(*out, "import { sql } from \"drizzle-orm\";\n"
                  "import { json, jsonb, pgTable, text } from \"drizzle-orm/pg-core\";\n"
                  "import type { Policy } from \"./types\";\n"
                  "export const orgs = pgTable(\"orgs\", {\n"
                  "  name: text(\"name\"),\n"
                  "  // who may sign in\n"
                  "  policy: jsonb(\"policy\") // edited on the security page\n"
                  "    .$type<Policy>()\n"
                  "    .notNull()\n"
                  "    .default(sql`'{}'::jsonb`), // filled by the first save\n"
                  "  build: jsonb(\"build\")\n"
                  "    .$type<{\n"
                  "      command: string | null;\n"
                  "      node: \"20.x\" | \"22.x\";\n"
                  "    }>()\n"
                  "    .$defaultFn(() => ({ command: null, node: \"22.x\" })),\n"
                  "  raw: json(\"raw\"),\n"
                  "});\n");
  // The cast's change is said.
  ASSERT_EQ(plan.notes.size(), 1U);
  EXPECT_NE(plan.notes.front().find("orgs.policy"), std::string::npos) << plan.notes.front();
}

// A table whose columns come from an object of the same file spread into
// pgTable (dispatch-pool's tracking_events): the column is declared there,
// so that is where its builder changes; a table that declares the column
// itself after the spread keeps its own, as the object does.
TEST(FixSchemaTs, ATypeChangeFindsTheColumnInALocalObjectSpreadIntoTheTable) {
  const std::string source = "import { pgTable, text, varchar } from \"drizzle-orm/pg-core\";\n"
                             "const eventColumns = {\n"
                             "  kind: varchar(\"kind\", { length: 24 }).notNull(),\n"
                             "  payload: text(\"payload\").$type<CarrierPayload>(),\n"
                             "};\n"
                             "export const trackingEvents = pgTable(\"tracking_events\", {\n"
                             "  ...eventColumns,\n"
                             "});\n"
                             "export const archived = pgTable(\"archived\", {\n"
                             "  ...eventColumns,\n"
                             "  kind: text(\"kind\"),\n"
                             "});\n";
  const std::string text = edited(source, {retype("trackingEvents", "payload", "jsonb(\"payload\")")});
  EXPECT_NE(text.find("  payload: jsonb(\"payload\").$type<CarrierPayload>(),\n"), std::string::npos) << text;
  EXPECT_NE(text.find("import { jsonb, pgTable, text, varchar }"), std::string::npos) << text;
  EXPECT_EQ(text.find("text(\"payload\")"), std::string::npos) << text;
  // archived's own `kind` comes after the spread: that one is changed.
  const std::string second = edited(source, {retype("archived", "kind", "jsonb(\"kind\")")});
  EXPECT_NE(second.find("  kind: jsonb(\"kind\"),\n"), std::string::npos) << second;
  EXPECT_NE(second.find("kind: varchar(\"kind\""), std::string::npos) << second;
}

TEST(FixSchemaTs, ATypeChangeOfACallbackBuilderOrATextJsonDefault) {
  // `t.json()` in the columns callback: only the member's name changes, no import.
  const std::string callback = "import { pgTable } from \"drizzle-orm/pg-core\";\n"
                               "export const e = pgTable(\"e\", (t) => ({\n"
                               "  data: t.json().$type<string[]>().notNull(),\n}));\n";
  EXPECT_EQ(edited(callback, {retype("e", "data", "jsonb(\"data\")")}),
            "import { pgTable } from \"drizzle-orm/pg-core\";\n"
            "export const e = pgTable(\"e\", (t) => ({\n"
            "  data: t.jsonb().$type<string[]>().notNull(),\n}));\n");
  // The line json-column-not-jsonb writes for such a table, `t.jsonb()`, does the same.
  EXPECT_EQ(edited(callback, {retype("e", "data", "t.jsonb()")}),
            "import { pgTable } from \"drizzle-orm/pg-core\";\n"
            "export const e = pgTable(\"e\", (t) => ({\n"
            "  data: t.jsonb().$type<string[]>().notNull(),\n}));\n");
  // Text holding JSON: a JSON column's default is the value itself.
  const std::string text = "import { pgTable, text } from 'drizzle-orm/pg-core'\n"
                           "export const s = pgTable('s', {\n"
                           "  key: text('key'),\n"
                           "  options: text('options').default('{\"json\":{}}').notNull(),\n"
                           "})\n";
  const auto plan = plan_schema_ts_edits(text, {retype("s", "options", "jsonb(\"options\")")});
  const auto out = pgadvise::core::apply_edits(text, plan.edits);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "import { jsonb, pgTable, text } from 'drizzle-orm/pg-core'\n"
                  "export const s = pgTable('s', {\n"
                  "  key: text('key'),\n"
                  "  options: jsonb('options').default({\"json\":{}}).notNull(),\n"
                  "})\n");
  ASSERT_EQ(plan.notes.size(), 1U);
  EXPECT_NE(plan.notes.front().find("the value itself"), std::string::npos) << plan.notes.front();
}

// A JSDoc block's ` * ` lines are not the file's indentation step.
TEST(FixSchemaTs, NewCallbackIndentsByTheCodeNotByCommentLines) {
  const std::string source = "import { integer, pgTable } from \"drizzle-orm/pg-core\";\n"
                             "/**\n * Tags.\n */\n"
                             "export const tags = pgTable(\"tags\", {\n"
                             "    postId: integer(\"post_id\"),\n"
                             "});\n";
  EXPECT_EQ(edited(source, {add("tags", "tags_post_id_idx", "index(\"tags_post_id_idx\").on(table.postId)")}),
            "import { index, integer, pgTable } from \"drizzle-orm/pg-core\";\n"
            "/**\n * Tags.\n */\n"
            "export const tags = pgTable(\"tags\", {\n"
            "    postId: integer(\"post_id\"),\n"
            "}, (table) => [\n"
            "    index(\"tags_post_id_idx\").on(table.postId),\n"
            "]);\n");
}

// A table from the app's own factory, cella's generateTable("pages",
// baseColumns, { ... }): its fourth argument is columns, not an extra-config
// callback, and its third is the shared base. The notes said 'its extra-config
// callback is not (t) => [...]' and 'its columns are not an object literal';
// they now name the factory, and nothing is edited.
TEST(FixSchemaTs, ATableFromAFactoryIsNamedAndLeftAlone) {
  const std::string source = "import { json, varchar } from \"drizzle-orm/pg-core\";\n"
                             "import { baseColumns, generateTable } from \"./helpers\";\n"
                             "export const pagesTable = generateTable(\"pages\", baseColumns, {\n"
                             "  authorId: varchar(),\n"
                             "  body: json(),\n"
                             "});\n";
  const auto plan = plan_schema_ts_edits(
      source, {add("pagesTable", "pages_author_id_idx", "index(\"pages_author_id_idx\").on(table.authorId)"),
               retype("pagesTable", "body", "jsonb()")});
  EXPECT_TRUE(plan.edits.empty());
  ASSERT_EQ(plan.problems.size(), 2U);
  EXPECT_EQ(plan.problems[0],
            "pagesTable: it is built by `generateTable(...)`, whose last argument is not an "
            "extra-config callback, so pages_author_id_idx was not added; add "
            "index(\"pages_author_id_idx\").on(table.authorId) by hand");
  EXPECT_EQ(plan.problems[1],
            "pagesTable: it is built by `generateTable(...)`, not pgTable, so body was not changed");
}

SchemaEdit with_timezone(const std::string& table, const std::string& property) {
  return {SchemaEditKind::set_column_option, table, "withTimezone: true", property};
}

// Last session's defect: the timestamp fix wrote `{ withTimezone: true }` in
// place of the column's own options, so `mode: 'string'` (the TypeScript
// type) and `precision: 3` (the SQL type) were lost. The options are kept.
TEST(FixSchemaTs, WithTimezoneJoinsTheBuildersOwnOptions) {
  const std::string source =
      "import { pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';\n"
      "export const chat = pgTable('chat', {\n"
      "  id: uuid().primaryKey(),\n"
      "  createdAt: timestamp({ mode: 'string' }).notNull().defaultNow(),\n"
      "  lastMessageAt: timestamp('last_message_at', { precision: 3, mode: 'string' }),\n"
      "  seenAt: timestamp('seen_at'),\n"
      "  editedAt: timestamp(),\n"
      "  closedAt: timestamp({ withTimezone: false }),\n"
      "  sentAt: timestamp('sent_at', {\n"
      "    mode: 'date',\n"
      "  }),\n"
      "});\n";
  const std::string once =
      edited(source, {with_timezone("chat", "createdAt"), with_timezone("chat", "lastMessageAt"),
                      with_timezone("chat", "seenAt"), with_timezone("chat", "editedAt"),
                      with_timezone("chat", "closedAt"), with_timezone("chat", "sentAt")});
  EXPECT_EQ(
      once,
      "import { pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';\n"
      "export const chat = pgTable('chat', {\n"
      "  id: uuid().primaryKey(),\n"
      "  createdAt: timestamp({ mode: 'string', withTimezone: true }).notNull().defaultNow(),\n"
      "  lastMessageAt: timestamp('last_message_at', { precision: 3, mode: 'string', withTimezone: true }),\n"
      "  seenAt: timestamp('seen_at', { withTimezone: true }),\n"
      "  editedAt: timestamp({ withTimezone: true }),\n"
      "  closedAt: timestamp({ withTimezone: true }),\n"
      "  sentAt: timestamp('sent_at', {\n"
      "    mode: 'date',\n"
      "    withTimezone: true,\n"
      "  }),\n"
      "});\n");
  const auto again =
      plan_schema_ts_edits(once, {with_timezone("chat", "createdAt"), with_timezone("chat", "sentAt")});
  EXPECT_TRUE(again.edits.empty());
  EXPECT_EQ(again.already_done.size(), 2U);
}

// A column many tables spread from a shared object (`...BaseEntitySchema`,
// `...timestamps()`): lint names the object as the table of its Drizzle
// line, and the edit lands in the object's own entry; it was 'its builder
// call was not found' once per table and column.
TEST(FixSchemaTs, AColumnOfASharedObjectIsEditedInTheObject) {
  const std::string source =
      "import { timestamp, uuid } from 'drizzle-orm/pg-core';\n"
      "export const BaseEntitySchema = {\n"
      "  id: uuid('id').primaryKey().defaultRandom().notNull(),\n"
      "  createdAt: timestamp('createdAt', { precision: 3, mode: 'date' }).defaultNow().notNull(),\n"
      "};\n"
      "export const timestamps = () => ({\n"
      "  updatedAt: timestamp('updated_at').$onUpdate(() => new Date()),\n"
      "});\n";
  EXPECT_EQ(edited(source, {with_timezone("BaseEntitySchema", "createdAt"),
                            with_timezone("timestamps", "updatedAt")}),
            "import { timestamp, uuid } from 'drizzle-orm/pg-core';\n"
            "export const BaseEntitySchema = {\n"
            "  id: uuid('id').primaryKey().defaultRandom().notNull(),\n"
            "  createdAt: timestamp('createdAt', { precision: 3, mode: 'date', withTimezone: true })"
            ".defaultNow().notNull(),\n"
            "};\n"
            "export const timestamps = () => ({\n"
            "  updatedAt: timestamp('updated_at', { withTimezone: true }).$onUpdate(() => new Date()),\n"
            "});\n");
  const auto index =
      plan_schema_ts_edits(source, {add("BaseEntitySchema", "x_id_idx", "index(\"x_id_idx\").on(t.id)")});
  ASSERT_EQ(index.problems.size(), 1U);
  EXPECT_TRUE(index.edits.empty());
}

// A file without any extra-config callback gets its first one in the form
// lint's line has (keyed: the object form), which follows the package's
// other schema files and its drizzle-orm version (0.33 has no array form);
// the array form was written whatever the package did.
TEST(FixSchemaTs, AFileWithoutCallbacksTakesTheFormOfLintsLine) {
  const std::string source = "import { pgTable, uuid } from 'drizzle-orm/pg-core';\n"
                             "export const UserSchema = pgTable('users', {\n"
                             "  role_id: uuid('role_id')\n"
                             "});\n";
  SchemaEdit keyed = add("UserSchema", "users_role_id_idx", "index(\"users_role_id_idx\").on(table.role_id)");
  keyed.key = "roleIdIdx";
  const std::string out = edited(source, {keyed});
  EXPECT_NE(out.find("}, (table) => ({\n  roleIdIdx: index('users_role_id_idx').on(table.role_id)"),
            std::string::npos)
      << out;
  const std::string plain = edited(
      source, {add("UserSchema", "users_role_id_idx", "index(\"users_role_id_idx\").on(table.role_id)")});
  EXPECT_NE(plain.find("}, (table) => [\n  index('users_role_id_idx')"), std::string::npos) << plain;
}

} // namespace fix_schema_ts_test
