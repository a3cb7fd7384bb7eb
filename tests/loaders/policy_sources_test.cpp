// Row-level security from every schema file source: the drizzle-kit
// snapshot, the migration it generated and the schema.ts it was generated
// from (fixtures/snapshots/rls, made by real drizzle-kit) give the same
// policies.
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"
#include "model/catalog.hpp"
#include "support/drizzle_files.hpp"

#include <gtest/gtest.h>

namespace pgadvise::loaders {
namespace {

namespace fs = std::filesystem;
using test::fixture;
using test::line_of;

const fs::path k_dir = fixture("snapshots/rls");

SchemaLoad from_snapshot() {
  auto load = load_drizzle_snapshot(k_dir / "meta" / "0000_snapshot.json");
  EXPECT_TRUE(load.ok());
  return load.ok() ? std::move(load).value() : SchemaLoad{};
}

SchemaLoad from_sql() {
  SchemaLoad load;
  replay_sql(test::read_text(k_dir / "0000_rls.sql"), "0000_rls.sql", load);
  return load;
}

SchemaLoad from_schema_ts() {
  return load_drizzle_schema({k_dir / "schema.ts"}, "");
}

void expect_rls_schema(const SchemaLoad& load, const std::string& source) {
  SCOPED_TRACE(source);
  EXPECT_TRUE(load.diagnostics.empty())
      << load.diagnostics.size()
      << " diagnostics, first: " << (load.diagnostics.empty() ? "" : load.diagnostics[0].message);
  const model::Table* notes = load.catalog.find_table("public", "notes");
  const model::Table* todos = load.catalog.find_table("public", "todos");
  ASSERT_NE(notes, nullptr);
  ASSERT_NE(todos, nullptr);
  EXPECT_TRUE(notes->rls_enabled);
  EXPECT_TRUE(notes->policies.empty());
  EXPECT_TRUE(todos->rls_enabled);
  ASSERT_EQ(todos->policies.size(), 4U);
  const std::vector<model::Policy>& p = todos->policies;
  EXPECT_EQ(p[0].name, "todos_select_own");
  EXPECT_TRUE(p[0].permissive);
  EXPECT_EQ(p[0].command, "select");
  EXPECT_EQ(p[0].roles, std::vector<std::string>{"authenticated"});
  EXPECT_EQ(p[0].using_expr, "auth.uid() = todos.user_id");
  EXPECT_TRUE(p[0].check_expr.empty());
  EXPECT_EQ(p[1].name, "todos_read_published");
  EXPECT_EQ(p[1].using_expr, "todos.published");
  EXPECT_EQ(p[2].name, "todos_insert_own");
  EXPECT_EQ(p[2].command, "insert");
  EXPECT_TRUE(p[2].using_expr.empty());
  EXPECT_EQ(p[2].check_expr, "todos.user_id = (SELECT auth.uid())");
  EXPECT_EQ(p[3].name, "todos_guard");
  EXPECT_FALSE(p[3].permissive);
  EXPECT_EQ(p[3].command, "all");
  EXPECT_TRUE(p[3].roles.empty()); // PUBLIC
  EXPECT_EQ(p[3].using_expr, "current_setting('app.tenant', true) <> ''");
}

TEST(PolicySources, SnapshotReadsPoliciesAndRlsFlag) {
  const SchemaLoad load = from_snapshot();
  expect_rls_schema(load, "snapshot");
  const fs::path file = k_dir / "meta" / "0000_snapshot.json";
  EXPECT_EQ(load.catalog.find_table("public", "todos")->policies[0].location.line,
            line_of(file, "\"todos_select_own\": {"));
}

TEST(PolicySources, GeneratedMigrationReplaysToTheSamePolicies) {
  const SchemaLoad load = from_sql();
  expect_rls_schema(load, "sql");
  EXPECT_EQ(load.catalog.find_table("public", "todos")->policies[2].location.line,
            line_of(k_dir / "0000_rls.sql", "CREATE POLICY \"todos_insert_own\""));
}

TEST(PolicySources, SchemaTsReadsPgPolicyAndEnableRls) {
  const SchemaLoad load = from_schema_ts();
  expect_rls_schema(load, "schema.ts");
  EXPECT_EQ(load.catalog.find_table("public", "todos")->policies[0].location.line,
            line_of(k_dir / "schema.ts", "pgPolicy(\"todos_select_own\""));
}

TEST(PolicySources, SchemaTsSupabaseRoleExportsAndWithRls) {
  const SchemaLoad load = load_drizzle_schema_sources({SchemaTsSource{"db/schema.ts", R"ts(
import { sql } from "drizzle-orm";
import { pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { anonRole, authenticatedRole } from "drizzle-orm/supabase";

export const profiles = pgTable.withRLS("profiles", {
  id: uuid("id").primaryKey(),
  name: text("name"),
}, (t) => [
  pgPolicy("read", { for: "select", to: [anonRole, authenticatedRole], using: sql`true` }),
  pgPolicy("update own", { for: "update", to: authenticatedRole, using: sql`${t.id} = auth.uid()`,
    withCheck: sql`${t.id} = auth.uid()` }),
]);
)ts"}},
                                                      "");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* profiles = load.catalog.find_table("public", "profiles");
  ASSERT_NE(profiles, nullptr);
  EXPECT_TRUE(profiles->rls_enabled);
  ASSERT_EQ(profiles->policies.size(), 2U);
  EXPECT_EQ(profiles->policies[0].roles, (std::vector<std::string>{"anon", "authenticated"}));
  EXPECT_EQ(profiles->policies[1].roles, std::vector<std::string>{"authenticated"});
  EXPECT_EQ(profiles->policies[1].using_expr, "profiles.id = auth.uid()");
  EXPECT_EQ(profiles->policies[1].check_expr, "profiles.id = auth.uid()");
}

// A policy's `to` naming the schema's own pgRole (as drizzle-kit's
// entities.roles projects declare them), `.existing()` or not.
TEST(PolicySources, SchemaTsOwnPgRolesInTo) {
  const SchemaLoad load = load_drizzle_schema_sources({SchemaTsSource{"db/schema.ts", R"ts(
import { sql } from "drizzle-orm";
import { pgPolicy, pgRole, pgTable, uuid } from "drizzle-orm/pg-core";

export const reviewer = pgRole("reviewer", { inherit: true });
const backoffice = pgRole("backoffice").existing();

export const ledgers = pgTable("ledgers", { id: uuid("id").primaryKey() }, () => [
  pgPolicy("review", { for: "select", to: reviewer, using: sql`true` }),
  pgPolicy("office", { for: "all", to: [backoffice, "postgres"], using: sql`true` }),
]).enableRLS();
)ts"}},
                                                      "");
  EXPECT_TRUE(load.diagnostics.empty());
  const model::Table* ledgers = load.catalog.find_table("public", "ledgers");
  ASSERT_NE(ledgers, nullptr);
  ASSERT_EQ(ledgers->policies.size(), 2U);
  EXPECT_EQ(ledgers->policies[0].roles, std::vector<std::string>{"reviewer"});
  EXPECT_EQ(ledgers->policies[1].roles, (std::vector<std::string>{"backoffice", "postgres"}));
}

} // namespace
} // namespace pgadvise::loaders
