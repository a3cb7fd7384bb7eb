#include "loaders/sql/sql_replay_test_support.hpp"

#include <gtest/gtest.h>

namespace pgadvise {
namespace {

using test::replay;
using test::rule_ids;

TEST(SqlReplayPolicy, CreatePolicyKeepsEveryPart) {
  const auto load = replay(R"sql(CREATE TABLE todos (id bigint PRIMARY KEY, user_id uuid NOT NULL);
ALTER TABLE todos ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own todos" ON todos AS RESTRICTIVE FOR UPDATE TO authenticated, "Admins"
  USING (auth.uid()   =   user_id)
  WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY everyone ON public.todos USING (true);)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << rule_ids(load).size();
  const model::Table* todos = load.catalog.find_table("public", "todos");
  ASSERT_NE(todos, nullptr);
  EXPECT_TRUE(todos->rls_enabled);
  ASSERT_EQ(todos->policies.size(), 2U);
  const model::Policy& own = todos->policies[0];
  EXPECT_EQ(own.name, "own todos");
  EXPECT_FALSE(own.permissive);
  EXPECT_EQ(own.command, "update");
  EXPECT_EQ(own.roles, (std::vector<std::string>{"authenticated", "Admins"}));
  EXPECT_EQ(own.using_expr, "auth.uid() = user_id"); // deparsed
  EXPECT_EQ(own.check_expr, "(SELECT auth.uid()) = user_id");
  EXPECT_EQ(own.location.line, 3);
  const model::Policy& everyone = todos->policies[1];
  EXPECT_TRUE(everyone.permissive);
  EXPECT_EQ(everyone.command, "all");
  EXPECT_TRUE(everyone.roles.empty()); // PUBLIC
  EXPECT_EQ(everyone.using_expr, "true");
  EXPECT_TRUE(everyone.check_expr.empty());
}

TEST(SqlReplayPolicy, AlterRenameDropAndDisable) {
  const auto load = replay(R"sql(CREATE TABLE t (id int PRIMARY KEY, owner text);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY a ON t FOR SELECT TO anon USING (owner = current_user);
CREATE POLICY b ON t FOR SELECT USING (false);
ALTER POLICY a ON t TO authenticated USING (owner = (select current_user));
ALTER POLICY a ON t RENAME TO a2;
DROP POLICY b ON t;
DROP POLICY IF EXISTS nothing ON t;
ALTER TABLE t DISABLE ROW LEVEL SECURITY;)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << rule_ids(load).size();
  const model::Table* t = load.catalog.find_table("public", "t");
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->rls_enabled);
  ASSERT_EQ(t->policies.size(), 1U);
  EXPECT_EQ(t->policies[0].name, "a2");
  EXPECT_EQ(t->policies[0].roles, std::vector<std::string>{"authenticated"});
  EXPECT_EQ(t->policies[0].using_expr, "owner = (SELECT current_user)");
  EXPECT_EQ(t->policies[0].location.line, 5);
}

// A policy missing from a table the files create is a located warning; a
// table no file creates is one in use before them (a lone migration file's),
// and so are its policies: noted, not warned about.
TEST(SqlReplayPolicy, MissingPolicyIsALocatedWarningAndAnUnknownTableIsAssumed) {
  const auto load = replay(R"sql(CREATE TABLE t (id int);
DROP POLICY nope ON t;
ALTER POLICY nope ON t USING (true);
CREATE POLICY p ON missing USING (true);
CREATE POLICY p ON t USING (true);
CREATE POLICY p ON t USING (true);
DROP POLICY older ON missing;
ALTER POLICY oldest ON elsewhere USING (true);)sql");
  ASSERT_EQ(load.diagnostics.size(), 3U);
  EXPECT_EQ(load.diagnostics[0].rule, "replay-warning");
  EXPECT_EQ(load.diagnostics[0].location.line, 2);
  EXPECT_EQ(load.diagnostics[1].location.line, 3);
  EXPECT_EQ(load.diagnostics[2].location.line, 6); // already exists
  EXPECT_EQ(load.catalog.find_table("public", "t")->policies.size(), 1U);
  ASSERT_NE(load.catalog.find_table("public", "missing"), nullptr);
  EXPECT_TRUE(load.catalog.find_table("public", "missing")->assumed);
  EXPECT_EQ(load.catalog.find_table("public", "missing")->policies.size(), 1U);
}

TEST(SqlReplayPolicy, DrizzleKitPolicyStatements) {
  // What drizzle-kit generate writes for pgPolicy and .enableRLS().
  const auto load = replay(R"sql(CREATE TABLE "posts" (
	"id" serial PRIMARY KEY NOT NULL,
	"author_id" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "posts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "read own" ON "posts" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("posts"."author_id" = auth.uid());)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << rule_ids(load).size();
  const model::Table* posts = load.catalog.find_table("public", "posts");
  ASSERT_NE(posts, nullptr);
  EXPECT_TRUE(posts->rls_enabled);
  ASSERT_EQ(posts->policies.size(), 1U);
  EXPECT_EQ(posts->policies[0].using_expr, "posts.author_id = auth.uid()");
  EXPECT_EQ(posts->policies[0].location.line, 7);
}

} // namespace
} // namespace pgadvise
