// Row-level security read from a live database matches the SQL replay of the
// DDL that made it.
#include "loaders/live/catalog.hpp"
#include "loaders/sql/migrations.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>

namespace pgadvise::loaders {
namespace live_policies_test {

using test_support::ClusterTest;

constexpr std::string_view k_roles_sql = R"sql(
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_authenticated') THEN
    CREATE ROLE rls_authenticated;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_anon') THEN
    CREATE ROLE rls_anon;
  END IF;
END $$;
CREATE SCHEMA auth;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$;
)sql";

constexpr std::string_view k_schema_sql = R"sql(
CREATE TABLE todos (id bigint PRIMARY KEY, user_id uuid NOT NULL, published boolean NOT NULL DEFAULT false);
ALTER TABLE todos ENABLE ROW LEVEL SECURITY;
CREATE POLICY todos_own ON todos FOR SELECT TO rls_authenticated USING (auth.uid() = user_id);
CREATE POLICY todos_insert ON todos AS PERMISSIVE FOR INSERT TO rls_authenticated, rls_anon
  WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY todos_guard ON todos AS RESTRICTIVE USING (current_setting('app.tenant', true) <> '');
CREATE TABLE notes (id bigint PRIMARY KEY);
CREATE POLICY notes_all ON notes FOR UPDATE USING (true);
)sql";

class LivePoliciesTest : public ClusterTest {};

std::string describe(const model::Table& table) {
  std::string out = table.name + (table.rls_enabled ? " rls" : "") + "\n";
  for (const model::Policy& policy : table.policies) {
    out += "  " + policy.name + " " + (policy.permissive ? "permissive " : "restrictive ") + policy.command +
           " to";
    for (const std::string& role : policy.roles) {
      out += " " + role;
    }
    // The server writes expressions its own way (casts, `AS uid` in sub-selects): only whether each is there.
    out += std::string(policy.using_expr.empty() ? "" : " using") +
           (policy.check_expr.empty() ? "" : " check") + "\n";
  }
  return out;
}

TEST_F(LivePoliciesTest, PoliciesAndRlsFlagMatchTheReplay) {
  std::string why;
  const std::string database = cluster().create_database("livepol", &why);
  ASSERT_FALSE(database.empty()) << why;
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok()) << admin.error().to_string();
  ASSERT_TRUE(admin->run_script(std::string(k_roles_sql) + std::string(k_schema_sql)).ok());

  pg::ConnectOptions options;
  options.conninfo = cluster().admin_conninfo(database);
  auto connection = pg::Connection::open(options);
  ASSERT_TRUE(connection.ok());
  auto live = load_live_catalog(*connection);
  ASSERT_TRUE(live.ok()) << live.error().to_string();

  SchemaLoad replayed;
  replay_sql(k_schema_sql, "schema.sql", replayed);
  EXPECT_TRUE(replayed.diagnostics.empty());
  for (const std::string name : {"todos", "notes"}) {
    const model::Table* from_db = live->catalog.find_table("public", name);
    const model::Table* from_sql = replayed.catalog.find_table("public", name);
    ASSERT_NE(from_db, nullptr) << name;
    ASSERT_NE(from_sql, nullptr) << name;
    // pg_policy has no order of creation: compare sorted by name.
    model::Table sorted_db = *from_db;
    model::Table sorted_sql = *from_sql;
    for (model::Table* table : {&sorted_db, &sorted_sql}) {
      std::sort(table->policies.begin(), table->policies.end(),
                [](const model::Policy& a, const model::Policy& b) { return a.name < b.name; });
      for (model::Policy& policy : table->policies) {
        std::sort(policy.roles.begin(), policy.roles.end());
      }
    }
    EXPECT_EQ(describe(sorted_db), describe(sorted_sql));
  }
  const model::Table* todos = live->catalog.find_table("public", "todos");
  ASSERT_NE(todos, nullptr);
  ASSERT_EQ(todos->policies.size(), 3U);
  EXPECT_TRUE(todos->rls_enabled);
  EXPECT_EQ(todos->policies[2].name, "todos_own"); // ordered by name
  EXPECT_EQ(todos->policies[2].using_expr, "auth.uid() = user_id");
  EXPECT_EQ(todos->policies[1].check_expr, "user_id = (SELECT auth.uid() AS uid)");
  EXPECT_FALSE(live->catalog.find_table("public", "notes")->rls_enabled);
}

} // namespace live_policies_test
} // namespace pgadvise::loaders
