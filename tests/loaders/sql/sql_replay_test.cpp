#include "loaders/sql/sql_replay_test_support.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>

namespace pgadvise {
namespace {

using model::FkAction;
using model::IndexKind;
using test::find_fk;
using test::index_names;
using test::replay;
using test::rule_ids;

TEST(SqlReplayCreateTable, InlineColumnConstraintsAndTypes) {
  const auto load = replay(R"sql(CREATE TABLE orgs (id bigserial PRIMARY KEY);
CREATE TABLE "users" (
  id serial PRIMARY KEY,
  email varchar(255) NOT NULL UNIQUE,
  org_id bigint REFERENCES orgs ON DELETE CASCADE,
  tags text[] DEFAULT '{}',
  settings  jsonb DEFAULT   '{}'::jsonb NOT NULL,
  created_at timestamp(3) with time zone DEFAULT now() NOT NULL,
  price numeric(10,2),
  nickname text DEFAULT NULL
);)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << rule_ids(load).size();
  EXPECT_EQ(load.catalog.source, model::SchemaSource::sql_replay);
  const model::Table* users = load.catalog.find_table("public", "users");
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(users->location.line, 2);

  const model::Column* id = users->find_column("id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->type.name, "int4");
  EXPECT_TRUE(id->type.serial);
  EXPECT_TRUE(id->not_null);
  EXPECT_EQ(id->default_expr.value_or(""), "nextval('users_id_seq'::regclass)");
  EXPECT_EQ(id->location.line, 3);
  EXPECT_EQ(id->location.column, 3);

  const model::Column* email = users->find_column("email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->type.name, "varchar");
  EXPECT_EQ(email->type.modifiers, std::vector<std::string>{"255"});
  EXPECT_TRUE(email->not_null);
  EXPECT_EQ(email->location.line, 4);

  EXPECT_EQ(users->find_column("tags")->type.array_dims, 1);
  EXPECT_EQ(users->find_column("tags")->default_expr.value_or(""), "'{}'");
  EXPECT_EQ(users->find_column("settings")->type.name, "jsonb");
  EXPECT_EQ(users->find_column("settings")->default_expr.value_or(""), "'{}'::jsonb");
  EXPECT_TRUE(users->find_column("settings")->not_null);
  const model::Column* created = users->find_column("created_at");
  EXPECT_EQ(created->type.name, "timestamptz");
  EXPECT_EQ(created->type.modifiers, std::vector<std::string>{"3"});
  EXPECT_EQ(created->default_expr.value_or(""), "now()");
  EXPECT_TRUE(created->not_null);
  EXPECT_EQ(users->find_column("price")->type.modifiers, (std::vector<std::string>{"10", "2"}));
  EXPECT_EQ(users->find_column("nickname")->default_expr.value_or(""), "NULL");
  EXPECT_FALSE(users->find_column("org_id")->not_null);

  const model::Index* pk = users->primary_key();
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(pk->name, "users_pkey");
  EXPECT_EQ(pk->leading_columns(), std::vector<std::string>{"id"});
  EXPECT_EQ(pk->location.line, 3);
  const model::Index* unique = users->find_index("users_email_key");
  ASSERT_NE(unique, nullptr);
  EXPECT_EQ(unique->kind, IndexKind::unique_constraint);
  EXPECT_TRUE(unique->unique);
  EXPECT_EQ(unique->location.line, 4);

  const model::ForeignKey* fk = find_fk(*users, "users_org_id_fkey");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->columns, std::vector<std::string>{"org_id"});
  EXPECT_EQ(fk->ref_schema, "public");
  EXPECT_EQ(fk->ref_table, "orgs");
  EXPECT_EQ(fk->ref_columns, std::vector<std::string>{"id"}); // the referenced table's PK
  EXPECT_EQ(fk->on_delete, FkAction::cascade);
  EXPECT_EQ(fk->on_update, FkAction::no_action);
  EXPECT_TRUE(fk->valid);
  EXPECT_EQ(fk->location.line, 5);
}

TEST(SqlReplayCreateTable, TableConstraintsAndDefaultNames) {
  const auto load =
      replay(R"sql(CREATE TABLE projects (org_id int, id int, name text, PRIMARY KEY (org_id, id));
CREATE TABLE tasks (
  id int,
  org_id int,
  project_id int,
  amount int,
  CONSTRAINT tasks_pk PRIMARY KEY (id),
  UNIQUE (org_id, project_id),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id)
    ON DELETE SET NULL ON UPDATE RESTRICT,
  CONSTRAINT positive CHECK (amount > 0),
  CHECK (  amount   < 100 )
);)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* projects = load.catalog.find_table("public", "projects");
  ASSERT_NE(projects, nullptr);
  EXPECT_EQ(projects->primary_key()->name, "projects_pkey");
  EXPECT_EQ(projects->primary_key()->leading_columns(), (std::vector<std::string>{"org_id", "id"}));
  EXPECT_TRUE(projects->find_column("org_id")->not_null); // PK columns become NOT NULL
  EXPECT_FALSE(projects->find_column("name")->not_null);

  const model::Table* tasks = load.catalog.find_table("public", "tasks");
  ASSERT_NE(tasks, nullptr);
  EXPECT_EQ(tasks->primary_key()->name, "tasks_pk");
  EXPECT_EQ(tasks->primary_key()->location.line, 7);
  const model::Index* unique = tasks->find_index("tasks_org_id_project_id_key");
  ASSERT_NE(unique, nullptr);
  EXPECT_EQ(unique->kind, IndexKind::unique_constraint);
  EXPECT_EQ(unique->location.line, 8);
  const model::ForeignKey* fk = find_fk(*tasks, "tasks_org_id_project_id_fkey");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->columns, (std::vector<std::string>{"org_id", "project_id"}));
  EXPECT_EQ(fk->ref_columns, (std::vector<std::string>{"org_id", "id"}));
  EXPECT_EQ(fk->on_delete, FkAction::set_null);
  EXPECT_EQ(fk->on_update, FkAction::restrict);
  EXPECT_EQ(fk->location.line, 9);
  ASSERT_EQ(tasks->checks.size(), 2U);
  EXPECT_EQ(tasks->checks[0].name, "positive");
  EXPECT_EQ(tasks->checks[0].expression, "amount > 0");
  EXPECT_EQ(tasks->checks[1].name, "tasks_amount_check");
  EXPECT_EQ(tasks->checks[1].expression, "amount < 100");
  EXPECT_EQ(tasks->checks[1].location.line, 12);
}

TEST(SqlReplayCreateTable, IfNotExistsAndDuplicates) {
  const auto load = replay(R"sql(CREATE TABLE t (id int);
CREATE TABLE IF NOT EXISTS t (id int, other int);
CREATE TABLE t (id int);)sql");
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].rule, "replay-warning");
  EXPECT_EQ(load.diagnostics[0].location.line, 3);
  EXPECT_EQ(load.catalog.tables.size(), 1U);
  EXPECT_EQ(load.catalog.tables[0].columns.size(), 1U); // the first definition stands
}

TEST(SqlReplayCreateTable, SelfReferenceAndUniqueNameCollision) {
  const auto load = replay(R"sql(CREATE TABLE nodes (
  parent_id int REFERENCES nodes,
  id int PRIMARY KEY,
  code text UNIQUE,
  CONSTRAINT extra UNIQUE (code)
);
CREATE TABLE u (code text UNIQUE, UNIQUE (code));
CREATE TABLE w (id int UNIQUE PRIMARY KEY, code text UNIQUE);
ALTER TABLE w ADD UNIQUE (code);)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* nodes = load.catalog.find_table("public", "nodes");
  const model::ForeignKey* fk = find_fk(*nodes, "nodes_parent_id_fkey");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->ref_columns, std::vector<std::string>{"id"}); // PK declared after the FK
  // PostgreSQL keeps one index for identical keys of a CREATE TABLE; a named
  // duplicate lends its name to the unnamed first one.
  EXPECT_EQ(index_names(*nodes), (std::vector<std::string>{"nodes_pkey", "extra"}));
  const model::Table* u = load.catalog.find_table("public", "u");
  EXPECT_EQ(index_names(*u), (std::vector<std::string>{"u_code_key"}));
  const model::Table* w = load.catalog.find_table("public", "w");
  EXPECT_EQ(index_names(*w), (std::vector<std::string>{"w_pkey", "w_code_key", "w_code_key1"}));
}

TEST(SqlReplayCreateTable, PartitionsInheritColumnsIndexesAndForeignKeys) {
  const auto load = replay(R"sql(CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE events (
  id bigint NOT NULL,
  org_id int REFERENCES orgs,
  at timestamptz NOT NULL,
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE INDEX events_org_idx ON events (org_id);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 (id bigint NOT NULL, org_id int, at timestamptz NOT NULL);
ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE child (extra int) INHERITS (orgs);)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* events = load.catalog.find_table("public", "events");
  ASSERT_NE(events, nullptr);
  EXPECT_TRUE(events->partitioned);
  const model::Table* p2024 = load.catalog.find_table("public", "events_2024");
  ASSERT_NE(p2024, nullptr);
  EXPECT_EQ(p2024->partition_of, "public.events");
  EXPECT_EQ(test::column_names(*p2024), (std::vector<std::string>{"id", "org_id", "at"}));
  EXPECT_EQ(index_names(*p2024), (std::vector<std::string>{"events_2024_pkey", "events_2024_org_id_idx"}));
  EXPECT_NE(find_fk(*p2024, "events_org_id_fkey"), nullptr);
  const model::Table* p2025 = load.catalog.find_table("public", "events_2025");
  EXPECT_EQ(p2025->partition_of, "public.events");
  EXPECT_EQ(index_names(*p2025), (std::vector<std::string>{"events_2025_pkey", "events_2025_org_id_idx"}));
  EXPECT_NE(find_fk(*p2025, "events_org_id_fkey"), nullptr);
  const model::Table* inherited = load.catalog.find_table("public", "child");
  EXPECT_EQ(test::column_names(*inherited), (std::vector<std::string>{"id", "extra"}));
  EXPECT_EQ(inherited->primary_key(), nullptr); // INHERITS does not copy keys
}

TEST(SqlReplayCreateTable, IdentityAndTempTables) {
  const auto load = replay(R"sql(CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n int);
CREATE TEMP TABLE scratch (id int);
CREATE TABLE copy (LIKE t INCLUDING ALL);)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_TRUE(load.catalog.find_table("public", "t")->find_column("id")->identity);
  EXPECT_TRUE(load.catalog.find_table("public", "t")->find_column("id")->identity_always);
  EXPECT_TRUE(load.catalog.find_table("public", "t")->find_column("id")->not_null);
  EXPECT_EQ(load.catalog.find_table("public", "scratch"), nullptr);
  const model::Table* copy = load.catalog.find_table("public", "copy");
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(test::column_names(*copy), (std::vector<std::string>{"id", "n"}));
  EXPECT_EQ(index_names(*copy), std::vector<std::string>{"copy_pkey"});
}

TEST(SqlReplayAlterTable, ColumnCommands) {
  const auto load = replay(R"sql(CREATE TABLE t (id int, a text, b int DEFAULT 1, c int NOT NULL);
ALTER TABLE t ADD COLUMN d jsonb DEFAULT '{}' NOT NULL;
ALTER TABLE t ADD COLUMN IF NOT EXISTS d int;
ALTER TABLE IF EXISTS t DROP COLUMN IF EXISTS nope, DROP COLUMN a;
ALTER TABLE ONLY t ALTER COLUMN b TYPE bigint USING b::bigint, ALTER COLUMN b DROP DEFAULT;
ALTER TABLE t ALTER COLUMN c DROP NOT NULL, ALTER COLUMN id SET NOT NULL;
ALTER TABLE t ALTER COLUMN id SET DATA TYPE varchar(20);
ALTER TABLE t ALTER COLUMN c SET DEFAULT ( 'x' ||  'y' );
ALTER TABLE IF EXISTS missing ADD COLUMN x int;)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  const model::Table* t = load.catalog.find_table("public", "t");
  EXPECT_EQ(test::column_names(*t), (std::vector<std::string>{"id", "b", "c", "d"}));
  EXPECT_EQ(t->find_column("d")->type.name, "jsonb");
  EXPECT_EQ(t->find_column("d")->default_expr.value_or(""), "'{}'");
  EXPECT_TRUE(t->find_column("d")->not_null);
  EXPECT_EQ(t->find_column("d")->location.line, 2);
  EXPECT_EQ(t->find_column("b")->type.name, "int8");
  EXPECT_FALSE(t->find_column("b")->default_expr.has_value());
  EXPECT_FALSE(t->find_column("c")->not_null);
  EXPECT_EQ(t->find_column("c")->default_expr.value_or(""), "('x' || 'y')");
  EXPECT_TRUE(t->find_column("id")->not_null);
  EXPECT_EQ(t->find_column("id")->type.display(), "varchar(20)");
}

TEST(SqlReplayAlterTable, MissingObjectsWarnAndReplayGoesOn) {
  // A table no statement created (nope) is taken as one in use before the
  // files (SqlReplayAssumed); a column or constraint a created table lacks warns.
  const auto load = replay(R"sql(CREATE TABLE t (id int);
ALTER TABLE t DROP COLUMN ghost;
ALTER TABLE t ADD COLUMN id int;
ALTER TABLE t DROP CONSTRAINT ghost_fkey;
ALTER TABLE t ALTER COLUMN ghost SET NOT NULL;
CREATE INDEX ON t (ghost);
ALTER TABLE t ADD COLUMN after_errors int;)sql");
  ASSERT_EQ(load.diagnostics.size(), 5U);
  for (std::size_t i = 0; i < load.diagnostics.size(); ++i) {
    EXPECT_EQ(load.diagnostics[i].rule, "replay-warning");
    EXPECT_EQ(load.diagnostics[i].severity, core::Severity::medium);
    EXPECT_EQ(load.diagnostics[i].location.file, "m.sql");
    EXPECT_EQ(load.diagnostics[i].location.line, static_cast<int>(i) + 2);
  }
  EXPECT_NE(load.catalog.find_table("public", "t")->find_column("after_errors"), nullptr);
}

TEST(SqlReplayAlterTable, ConstraintsAddedLater) {
  const std::string sql = R"sql(CREATE TABLE users (id int NOT NULL, email text);
CREATE TABLE posts (id int, author_id int, editor_id int);
ALTER TABLE ONLY users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users(id) NOT VALID,
  ADD FOREIGN KEY (editor_id) REFERENCES users;
CREATE UNIQUE INDEX users_email_idx ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;
ALTER TABLE posts VALIDATE CONSTRAINT posts_editor_id_fkey;
ALTER TABLE posts ADD PRIMARY KEY (id);
ALTER TABLE posts DROP CONSTRAINT IF EXISTS nothing_here;)sql";
  const auto load = replay(sql);
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* users = load.catalog.find_table("public", "users");
  ASSERT_NE(users->primary_key(), nullptr);
  EXPECT_EQ(users->primary_key()->name, "users_pkey");
  EXPECT_EQ(users->primary_key()->location.line, 4); // the ADD CONSTRAINT line
  const model::Index* adopted = users->find_index("users_email_key");
  ASSERT_NE(adopted, nullptr);
  EXPECT_EQ(adopted->kind, IndexKind::unique_constraint);
  EXPECT_EQ(users->find_index("users_email_idx"), nullptr);

  const model::Table* posts = load.catalog.find_table("public", "posts");
  const model::ForeignKey* author = find_fk(*posts, "posts_author_fk");
  ASSERT_NE(author, nullptr);
  EXPECT_FALSE(author->valid);
  EXPECT_EQ(author->location.line, 5);
  const model::ForeignKey* editor = find_fk(*posts, "posts_editor_id_fkey");
  ASSERT_NE(editor, nullptr);
  EXPECT_TRUE(editor->valid);
  EXPECT_EQ(editor->ref_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(editor->location.line, 6);
  EXPECT_EQ(posts->primary_key()->name, "posts_pkey");
  EXPECT_TRUE(posts->find_column("id")->not_null);

  const auto dropped = replay(sql + R"sql(
ALTER TABLE posts DROP CONSTRAINT posts_author_fk;
ALTER TABLE posts DROP CONSTRAINT posts_pkey;)sql");
  const model::Table* after = dropped.catalog.find_table("public", "posts");
  EXPECT_EQ(find_fk(*after, "posts_author_fk"), nullptr);
  EXPECT_NE(find_fk(*after, "posts_editor_id_fkey"), nullptr);
  EXPECT_EQ(after->primary_key(), nullptr);
}

TEST(SqlReplayAlterTable, NotValidThenValidate) {
  const auto load = replay(R"sql(CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (a_id int);
ALTER TABLE b ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;
ALTER TABLE b VALIDATE CONSTRAINT b_a_fk;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_TRUE(find_fk(*load.catalog.find_table("public", "b"), "b_a_fk")->valid);
}

TEST(SqlReplayAlterTable, IdentityAndSkippedCommandsAreQuiet) {
  const auto load = replay(R"sql(CREATE TABLE t (id int NOT NULL);
ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.t_id_seq
    START WITH 1
);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
ALTER TABLE t OWNER TO app;
ALTER TABLE ONLY t REPLICA IDENTITY FULL;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_TRUE(load.catalog.find_table("public", "t")->find_column("id")->identity);
}

// ALWAYS refuses explicit ids, BY DEFAULT takes them: fixes that widen the
// key keep the kind the column has, so the replay follows every way of
// setting it.
TEST(SqlReplayAlterTable, IdentityKindFollowsEveryStatement) {
  const auto load = replay(R"sql(CREATE TABLE a (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);
CREATE TABLE b (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE c (id int NOT NULL);
ALTER TABLE c ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
ALTER TABLE a ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE b ALTER COLUMN id SET GENERATED BY DEFAULT;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  const auto kind = [&](const char* table) {
    const model::Column* id = load.catalog.find_table("public", table)->find_column("id");
    return std::string(id->identity ? "identity " : "") + (id->identity_always ? "always" : "by default");
  };
  EXPECT_EQ(kind("a"), "identity always");
  EXPECT_EQ(kind("b"), "identity by default");
  EXPECT_EQ(kind("c"), "identity by default");
}

TEST(SqlReplayRename, TableColumnConstraintAndIndex) {
  const auto load = replay(R"sql(CREATE TABLE users (id int PRIMARY KEY, mail text);
CREATE TABLE posts (id int, user_id int REFERENCES users (id));
CREATE INDEX posts_user_idx ON posts (user_id);
ALTER TABLE users RENAME TO accounts;
ALTER TABLE accounts RENAME COLUMN id TO account_id;
ALTER TABLE posts RENAME COLUMN user_id TO account_id;
ALTER TABLE posts RENAME CONSTRAINT posts_user_id_fkey TO posts_account_fk;
ALTER INDEX posts_user_idx RENAME TO posts_account_idx;
ALTER TABLE accounts RENAME CONSTRAINT users_pkey TO accounts_pkey;
ALTER TABLE IF EXISTS ghosts RENAME TO spirits;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_EQ(load.catalog.find_table("public", "users"), nullptr);
  const model::Table* accounts = load.catalog.find_table("public", "accounts");
  ASSERT_NE(accounts, nullptr);
  EXPECT_EQ(accounts->primary_key()->name, "accounts_pkey");
  EXPECT_EQ(accounts->primary_key()->leading_columns(), std::vector<std::string>{"account_id"});
  const model::Table* posts = load.catalog.find_table("public", "posts");
  const model::ForeignKey* fk = find_fk(*posts, "posts_account_fk");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->columns, std::vector<std::string>{"account_id"});
  EXPECT_EQ(fk->ref_table, "accounts");
  EXPECT_EQ(fk->ref_columns, std::vector<std::string>{"account_id"});
  const model::Index* index = posts->find_index("posts_account_idx");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->leading_columns(), std::vector<std::string>{"account_id"});
}

TEST(SqlReplayRename, NamesFreedAndTakenAsInPostgres) {
  const auto load = replay(R"sql(CREATE TABLE users (id int PRIMARY KEY);
ALTER TABLE users RENAME TO accounts;
CREATE TABLE posts (account_id int REFERENCES accounts);
DROP TABLE posts;
CREATE TABLE posts (id int PRIMARY KEY);
CREATE TABLE users (id int PRIMARY KEY);)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_EQ(load.catalog.find_table("public", "posts")->primary_key()->name, "posts_pkey");
  // The renamed table keeps its index "users_pkey", so the new one gets the next name.
  EXPECT_EQ(load.catalog.find_table("public", "accounts")->primary_key()->name, "users_pkey");
  EXPECT_EQ(load.catalog.find_table("public", "users")->primary_key()->name, "users_pkey1");
}

TEST(SqlReplayRename, SetSchemaMovesTableAndReferences) {
  const auto load = replay(R"sql(CREATE SCHEMA archive;
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (user_id int REFERENCES users);
ALTER TABLE users SET SCHEMA archive;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_EQ(load.catalog.find_table("public", "users"), nullptr);
  ASSERT_NE(load.catalog.find_table("archive", "users"), nullptr);
  const model::ForeignKey* fk = find_fk(*load.catalog.find_table("public", "posts"), "posts_user_id_fkey");
  EXPECT_EQ(fk->ref_schema, "archive");
}

TEST(SqlReplayIndex, KeysExpressionsAndOptions) {
  const auto load = replay(
      R"sql(CREATE TABLE users (id int, email text, org_id int, name text, deleted_at timestamptz, tags text[]);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_live_idx ON users ( lower( email )  ) WHERE deleted_at   IS NULL;
CREATE INDEX ON users (org_id DESC NULLS LAST, (lower(name)) text_pattern_ops) INCLUDE (email, id);
CREATE INDEX users_tags_idx ON public.users USING GIN (tags);
CREATE INDEX users_expr_idx ON users ((org_id + id), (email));
CREATE INDEX IF NOT EXISTS users_tags_idx ON users (name);)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* users = load.catalog.find_table("public", "users");
  EXPECT_EQ(index_names(*users), (std::vector<std::string>{"users_email_live_idx", "users_org_id_lower_idx",
                                                           "users_tags_idx", "users_expr_idx"}));
  const model::Index* live = users->find_index("users_email_live_idx");
  EXPECT_TRUE(live->unique);
  EXPECT_EQ(live->kind, IndexKind::index);
  ASSERT_EQ(live->keys.size(), 1U);
  EXPECT_EQ(live->keys[0].column, "");
  EXPECT_EQ(live->keys[0].expression, "lower(email)");
  EXPECT_EQ(live->predicate, "deleted_at IS NULL");
  EXPECT_EQ(live->location.line, 2);

  const model::Index* composite = users->find_index("users_org_id_lower_idx");
  ASSERT_EQ(composite->keys.size(), 2U);
  EXPECT_EQ(composite->keys[0].column, "org_id");
  EXPECT_TRUE(composite->keys[0].descending);
  EXPECT_EQ(composite->keys[0].nulls_first, std::optional<bool>(false)); // DESC NULLS LAST kept
  EXPECT_FALSE(composite->keys[1].nulls_first.has_value());              // not written: the default
  EXPECT_EQ(composite->keys[1].expression, "lower(name)");
  EXPECT_EQ(composite->keys[1].opclass, "text_pattern_ops");
  EXPECT_EQ(composite->include, (std::vector<std::string>{"email", "id"}));
  EXPECT_FALSE(composite->is_partial());
  EXPECT_EQ(composite->method, "btree");

  EXPECT_EQ(users->find_index("users_tags_idx")->method, "gin");
  EXPECT_EQ(users->find_index("users_tags_idx")->leading_columns(), std::vector<std::string>{"tags"});
  const model::Index* expr = users->find_index("users_expr_idx");
  EXPECT_EQ(expr->keys[0].expression, "org_id + id");
  EXPECT_EQ(expr->keys[1].column, "email"); // "(email)" is a plain column to PostgreSQL
}

TEST(SqlReplayIndex, DrizzleTextKeepsQuotesAndLosesExtraSpace) {
  const auto load = replay(R"sql(CREATE TABLE "users" ("email" text, "deleted_at" timestamp, "Name" text);
CREATE UNIQUE INDEX IF NOT EXISTS "users_email_idx" ON "users" USING btree (lower( "email" )) WHERE "users"."deleted_at"
    is null;
CREATE INDEX "users_name_idx" ON "users" USING btree (lower("Name") DESC NULLS LAST);)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* users = load.catalog.find_table("public", "users");
  const model::Index* email = users->find_index("users_email_idx");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->keys.at(0).expression, "lower(\"email\")");
  EXPECT_EQ(email->predicate, "\"users\".\"deleted_at\" is null");
  const model::Index* name = users->find_index("users_name_idx");
  EXPECT_EQ(name->keys.at(0).expression, "lower(\"Name\")");
  EXPECT_TRUE(name->keys.at(0).descending);
  EXPECT_FALSE(name->keys.at(0).effective_nulls_first());
}

TEST(SqlReplayIndex, DuplicateNameWarnsAndUnknownColumnWarns) {
  const auto load = replay(R"sql(CREATE TABLE t (a int);
CREATE INDEX t_idx ON t (a);
CREATE INDEX t_idx ON t (a);
CREATE INDEX t_b_idx ON t (b);)sql");
  ASSERT_EQ(load.diagnostics.size(), 2U);
  EXPECT_EQ(load.diagnostics[0].location.line, 3);
  EXPECT_EQ(load.diagnostics[1].location.line, 4);
  EXPECT_EQ(index_names(*load.catalog.find_table("public", "t")), std::vector<std::string>{"t_idx"});
}

TEST(SqlReplayDrop, TablesIndexesAndCascade) {
  const auto load = replay(R"sql(CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
CREATE TABLE c (b_id int REFERENCES b, a_id int REFERENCES a);
CREATE INDEX c_b_idx ON c (b_id);
DROP INDEX c_b_idx;
DROP INDEX IF EXISTS c_b_idx, nothing;
DROP TABLE a CASCADE;
DROP TABLE IF EXISTS ghost, other_ghost;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_EQ(load.catalog.find_table("public", "a"), nullptr);
  const model::Table* b = load.catalog.find_table("public", "b");
  const model::Table* c = load.catalog.find_table("public", "c");
  EXPECT_TRUE(b->foreign_keys.empty());
  ASSERT_EQ(c->foreign_keys.size(), 1U);
  EXPECT_EQ(c->foreign_keys[0].ref_table, "b");
  EXPECT_TRUE(c->indexes.empty());
}

TEST(SqlReplayDrop, WithoutCascadeWarnsButDrops) {
  const auto load = replay(R"sql(CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (a_id int REFERENCES a);
DROP TABLE a;
DROP TABLE ghost;
DROP TABLE b, a_missing;)sql");
  // ghost and a_missing, which no statement created, are taken as tables
  // created before the files (SqlReplayAssumed): dropping them warns not.
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].location.line, 3);
  EXPECT_TRUE(load.catalog.tables.empty());
}

TEST(SqlReplayDrop, ColumnTakesItsIndexesAndKeys) {
  const auto load = replay(R"sql(CREATE TABLE t (id int PRIMARY KEY, a int, b text);
CREATE INDEX t_a_idx ON t (a);
CREATE INDEX t_lower_b_idx ON t (lower(b));
CREATE INDEX t_id_idx ON t (id) WHERE b IS NOT NULL;
ALTER TABLE t DROP COLUMN a, DROP COLUMN b;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_EQ(index_names(*load.catalog.find_table("public", "t")), std::vector<std::string>{"t_pkey"});
}

TEST(SqlReplayTypes, EnumsDomainsAndSchemas) {
  const auto load = replay(R"sql(CREATE SCHEMA IF NOT EXISTS "billing";
CREATE SCHEMA IF NOT EXISTS billing;
CREATE TYPE "public"."mood" AS ENUM('sad', 'happy');
CREATE TYPE billing.currency AS ENUM ('usd');
ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'sad';
ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';
ALTER TYPE billing.currency RENAME VALUE 'usd' TO 'USD';
CREATE DOMAIN email AS varchar(320) CHECK (VALUE LIKE '%@%');
CREATE TABLE billing.invoices (id int, mood mood, currency billing.currency, contact email);)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_TRUE(load.catalog.has_schema("billing"));
  const model::Enum* mood = load.catalog.find_enum("public", "mood");
  ASSERT_NE(mood, nullptr);
  EXPECT_EQ(mood->values, (std::vector<std::string>{"sad", "ok", "happy", "ecstatic"}));
  EXPECT_EQ(mood->location.line, 3);
  EXPECT_EQ(load.catalog.find_enum("billing", "currency")->values, std::vector<std::string>{"USD"});
  const model::Domain* email = load.catalog.find_domain("public", "email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->base.display(), "varchar(320)");
  const model::Table* invoices = load.catalog.find_table("billing", "invoices");
  ASSERT_NE(invoices, nullptr);
  EXPECT_EQ(invoices->find_column("mood")->type.schema, "public");
  EXPECT_EQ(invoices->find_column("mood")->type.name, "mood");
  EXPECT_EQ(invoices->find_column("currency")->type.schema, "billing");
  EXPECT_EQ(invoices->find_column("contact")->type.name, "email");
  EXPECT_EQ(load.catalog.resolve_type(invoices->find_column("contact")->type).name, "varchar");
}

// A type no file creates (a lone migration file's ALTER TYPE ... ADD VALUE)
// is one created before them: a note, as for tables, not a warning.
TEST(SqlReplayTypes, DuplicateEnumWarnsAndUnknownTypeIsNoted) {
  const auto load = replay(R"sql(CREATE TYPE mood AS ENUM ('a');
CREATE TYPE mood AS ENUM ('a');
ALTER TYPE ghost ADD VALUE 'x';
CREATE SCHEMA s;
CREATE SCHEMA s;)sql");
  ASSERT_EQ(load.diagnostics.size(), 2U);
  EXPECT_EQ(load.diagnostics[0].location.line, 2);
  EXPECT_EQ(load.diagnostics[1].location.line, 5);
  EXPECT_TRUE(std::any_of(load.notes.begin(), load.notes.end(), [](const std::string& note) {
    return note.rfind("type ghost (", 0) == 0 && note.find("line 3") != std::string::npos;
  }));
}

TEST(SqlReplayTypes, DropSchemaCascadeAndSearchPath) {
  const auto load = replay(R"sql(CREATE SCHEMA app;
SET search_path TO app, public;
CREATE TABLE widgets (id int PRIMARY KEY);
CREATE TYPE app.kind AS ENUM ('a');
SET search_path = DEFAULT;
CREATE TABLE gadgets (widget_id int REFERENCES app.widgets);
CREATE SCHEMA temp_stuff;
CREATE TABLE temp_stuff.x (id int);
DROP SCHEMA temp_stuff CASCADE;
DROP SCHEMA IF EXISTS never_there;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_NE(load.catalog.find_table("app", "widgets"), nullptr);
  EXPECT_NE(load.catalog.find_table("public", "gadgets"), nullptr);
  EXPECT_EQ(find_fk(*load.catalog.find_table("public", "gadgets"), "gadgets_widget_id_fkey")->ref_schema,
            "app");
  EXPECT_FALSE(load.catalog.has_schema("temp_stuff"));
  EXPECT_EQ(load.catalog.find_table("temp_stuff", "x"), nullptr);
}

TEST(SqlReplaySkips, NonSchemaStatementsAreQuiet) {
  const auto load = replay(R"sql(SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE t (id int PRIMARY KEY, n int);
COMMENT ON TABLE t IS 'things';
GRANT SELECT ON t TO reader;
REVOKE ALL ON t FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO reader;
CREATE SEQUENCE t_n_seq;
ALTER SEQUENCE t_n_seq OWNED BY t.n;
ALTER TABLE t_n_seq OWNER TO app;
ALTER TABLE ONLY t ALTER COLUMN n SET DEFAULT nextval('t_n_seq'::regclass);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY p ON t USING (true);
CREATE VIEW v AS SELECT * FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT n FROM t;
CREATE UNIQUE INDEX mv_n_idx ON mv (n);
DROP INDEX mv_n_idx;
DROP MATERIALIZED VIEW mv;
INSERT INTO t VALUES (1, 1);
BEGIN;
COMMIT;)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  EXPECT_EQ(load.catalog.tables.size(), 1U);
  EXPECT_EQ(load.catalog.tables[0].find_column("n")->default_expr.value_or(""),
            "nextval('t_n_seq'::regclass)");
  EXPECT_EQ(load.statements, 23U);
  ASSERT_FALSE(load.notes.empty());
  EXPECT_NE(load.notes.back().find("GRANT"), std::string::npos);
}

TEST(SqlReplaySkips, BeginAtomicFunctionBodyIsOneStatement) {
  const auto load = replay(R"sql(CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT i + 1;
END;
CREATE TABLE after_function (id int);)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  EXPECT_NE(load.catalog.find_table("public", "after_function"), nullptr);
  EXPECT_EQ(load.statements, 2U);
}

TEST(SqlReplayErrors, ForeignKeyToMissingSchemaWarnsButIsKept) {
  // A missing table of an existing schema is taken as one created before the
  // files (SqlReplayAssumed); a schema no statement created warns.
  const auto load = replay("CREATE TABLE a (\n  b_id int REFERENCES ledger.b (id)\n);");
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].rule, "replay-warning");
  EXPECT_EQ(load.diagnostics[0].location.line, 2);
  const model::ForeignKey* fk = find_fk(*load.catalog.find_table("public", "a"), "a_b_id_fkey");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->ref_columns, std::vector<std::string>{"id"});
}

TEST(SqlReplayAlterTable, ColumnChangesReachPartitions) {
  const auto load = replay(R"sql(CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE m ADD COLUMN note text, ALTER COLUMN id TYPE bigint;
ALTER TABLE m RENAME COLUMN note TO remark;
ALTER TABLE m DROP COLUMN at;)sql");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* part = load.catalog.find_table("public", "m_2024");
  ASSERT_NE(part, nullptr);
  EXPECT_EQ(test::column_names(*part), (std::vector<std::string>{"id", "remark"}));
  EXPECT_EQ(part->find_column("id")->type.name, "int8");
}

// PostgreSQL refuses a table attached to itself, to its own partition, or
// a second time (the regression suite's alter_table.sql does all three):
// the replay warns at the statement and keeps the partitions a tree, which
// the walks down them (a column added, a table dropped) rely on.
TEST(SqlReplayAlterTable, AttachingAPartitionIntoACycleOrTwiceIsRefused) {
  const auto load = replay(R"sql(CREATE TABLE p (a int) PARTITION BY LIST (a);
CREATE TABLE q (a int) PARTITION BY LIST (a);
CREATE TABLE r (a int) PARTITION BY LIST (a);
ALTER TABLE p ATTACH PARTITION p FOR VALUES IN (0);
ALTER TABLE p ATTACH PARTITION q FOR VALUES IN (1);
ALTER TABLE q ATTACH PARTITION p FOR VALUES IN (2);
ALTER TABLE r ATTACH PARTITION q FOR VALUES IN (3);
ALTER TABLE p ADD COLUMN b int;
DROP TABLE p;)sql");
  ASSERT_EQ(load.diagnostics.size(), 3U);
  EXPECT_EQ(load.diagnostics[0].location.line, 4);
  EXPECT_NE(load.diagnostics[0].message.find("circular inheritance"), std::string::npos);
  EXPECT_EQ(load.diagnostics[1].location.line, 6);
  EXPECT_NE(load.diagnostics[1].message.find("circular inheritance"), std::string::npos);
  EXPECT_EQ(load.diagnostics[2].location.line, 7);
  EXPECT_NE(load.diagnostics[2].message.find("table q is already a partition of p"), std::string::npos);
  // q was p's partition: dropped with it; r keeps no partition.
  EXPECT_EQ(load.catalog.find_table("public", "p"), nullptr);
  EXPECT_EQ(load.catalog.find_table("public", "q"), nullptr);
  ASSERT_NE(load.catalog.find_table("public", "r"), nullptr);
}

TEST(SqlReplayTypes, DropTypeCascadeDropsColumns) {
  const auto load = replay(R"sql(CREATE TYPE mood AS ENUM ('a');
CREATE TYPE shade AS ENUM ('b');
CREATE TABLE t (id int, m mood, s shade);
DROP TYPE mood CASCADE;
DROP TYPE shade;
DROP TYPE IF EXISTS ghost;)sql");
  ASSERT_EQ(load.diagnostics.size(), 1U); // shade is still used by t.s
  EXPECT_EQ(load.diagnostics[0].location.line, 5);
  EXPECT_EQ(test::column_names(*load.catalog.find_table("public", "t")),
            (std::vector<std::string>{"id", "s"}));
  EXPECT_TRUE(load.catalog.enums.empty());
}

TEST(SqlReplayErrors, ParseErrorIsLocatedAndReplayContinues) {
  const auto path = test::sql_fixture("bad/parse_error.sql");
  const std::string sql = test::read_text(path);
  const auto load = replay(sql, "bad.sql");
  ASSERT_EQ(load.diagnostics.size(), 2U);
  EXPECT_EQ(load.diagnostics[0].rule, "parse-error");
  EXPECT_EQ(load.diagnostics[0].severity, core::Severity::high);
  EXPECT_EQ(load.diagnostics[0].location.file, "bad.sql");
  EXPECT_EQ(load.diagnostics[0].location.line, test::line_containing(sql, "MATCH FULL"));
  EXPECT_EQ(load.diagnostics[0].location.column, 47); // at "MATCH"
  EXPECT_NE(load.diagnostics[0].message.find("MATCH"), std::string::npos);
  EXPECT_EQ(load.diagnostics[1].rule, "parse-error");
  EXPECT_EQ(load.diagnostics[1].location.line, test::line_containing(sql, "(broken"));
  EXPECT_NE(load.catalog.find_table("public", "a"), nullptr);
  EXPECT_EQ(load.catalog.find_table("public", "b"), nullptr);
  EXPECT_NE(load.catalog.find_table("public", "c"), nullptr);
  EXPECT_NE(load.catalog.find_table("public", "d"), nullptr); // after the unbalanced '('
}

TEST(SqlReplayErrors, UnterminatedQuoteKeepsEarlierStatements) {
  const auto load = replay("CREATE TABLE a (id int);\nCREATE TABLE b (note text DEFAULT 'oops);\n");
  EXPECT_NE(load.catalog.find_table("public", "a"), nullptr);
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].rule, "parse-error");
  EXPECT_EQ(load.diagnostics[0].location.line, 2);
}

TEST(SqlReplaySuppressions, DirectiveCoversTheNextStatement) {
  const auto load = replay(R"sql(CREATE TABLE a (id int); -- pgadvise-ignore trailing-is-not-a-directive
-- pgadvise-ignore unindexed-foreign-key, missing-primary-key
CREATE TABLE b (
  a_id int REFERENCES a
);
--> statement-breakpoint
/* pgadvise-ignore */
CREATE INDEX ON b (a_id);
CREATE TABLE c (id int);)sql");
  core::Finding on_b;
  on_b.rule = "unindexed-foreign-key";
  on_b.location = {"m.sql", 4, 3};
  EXPECT_TRUE(load.suppressions.suppresses(on_b));
  on_b.location.line = 5;
  EXPECT_TRUE(load.suppressions.suppresses(on_b));
  on_b.location.line = 6;
  EXPECT_FALSE(load.suppressions.suppresses(on_b));
  core::Finding other_rule = on_b;
  other_rule.rule = "duplicate-index";
  other_rule.location.line = 3;
  EXPECT_FALSE(load.suppressions.suppresses(other_rule));
  other_rule.location.line = 8; // `/* pgadvise-ignore */` silences every rule
  EXPECT_TRUE(load.suppressions.suppresses(other_rule));
  core::Finding on_a;
  on_a.rule = "trailing-is-not-a-directive";
  on_a.location = {"m.sql", 1, 1};
  EXPECT_FALSE(load.suppressions.suppresses(on_a));
  EXPECT_EQ(load.suppressions.size(), 2U);
}

TEST(SqlReplayInput, PsqlMetaLinesAreBlankedKeepingLineNumbers) {
  const auto load =
      replay("\\connect app\n\\restrict abc\nCREATE TABLE t (\n  id int\n);\n\\unrestrict abc\n");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* t = load.catalog.find_table("public", "t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->location.line, 3);
  EXPECT_EQ(t->find_column("id")->location.line, 4);
}

TEST(SqlReplayInput, BinaryAndInvalidUtf8DoNotCrash) {
  const auto binary = replay(test::read_text(test::sql_fixture("bad/binary.sql")), "binary.sql");
  ASSERT_EQ(binary.diagnostics.size(), 1U);
  EXPECT_EQ(binary.diagnostics[0].rule, "parse-error");
  EXPECT_EQ(binary.diagnostics[0].location.file, "binary.sql");
  EXPECT_TRUE(binary.catalog.tables.empty());

  const auto invalid = replay(test::read_text(test::sql_fixture("bad/invalid_utf8.sql")), "utf8.sql");
  EXPECT_NE(invalid.catalog.find_table("public", "ok_before"), nullptr);
  EXPECT_NE(invalid.catalog.find_table("public", "ok_after"), nullptr);
}

} // namespace
} // namespace pgadvise
