#include "pg/parser.hpp"
#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "filter-on-unindexed-column";

model::Catalog shop() {
  model::Table users = table("users", {column("id"), column("email", "text"), column("org_id")}, 1);
  users.indexes.push_back(primary_key("users_pkey", {"id"}));
  model::Table posts = table(
      "posts",
      {column("id"), column("user_id"), column("status", "text"), column("created_at", "timestamptz")}, 8);
  posts.indexes.push_back(primary_key("posts_pkey", {"id"}));
  posts.indexes.push_back(index("posts_user_id_idx", {"user_id"}));
  return catalog_of({users, posts});
}

TEST(FilterOnUnindexedColumn, ProposesTheIndexWithDdlAndDrizzle) {
  model::Workload workload;
  add_query(workload,
            "SELECT id FROM posts WHERE status = 'x' AND created_at > now() ORDER BY created_at LIMIT 5", 10,
            50.0, 12);
  const model::Catalog catalog = shop();
  model::Project project;
  project.uses_drizzle = true;
  const auto findings = run_workload_rule(k_rule, workload, &catalog, {}, &project);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings.front();
  EXPECT_EQ(f.object.to_string(), "public.posts(status, created_at)");
  EXPECT_EQ(f.location, log_line(12));
  ASSERT_TRUE(f.fix);
  EXPECT_EQ(
      f.fix->ddl,
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_status_created_at_idx ON posts (status, created_at);");
  EXPECT_TRUE(pg::parse(f.fix->ddl).ok());
  EXPECT_EQ(f.fix->drizzle, "index(\"posts_status_created_at_idx\").on(table.status, table.createdAt)");
}

TEST(FilterOnUnindexedColumn, IndexedPrimaryKeyAndJoinColumnsAreNotReported) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM users WHERE id = 3");
  add_query(workload, "SELECT id FROM posts WHERE user_id = 3 AND created_at > now()");
  add_query(workload, "SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id WHERE p.user_id = 2");
  add_query(workload, "UPDATE posts SET status = 'x' WHERE id = 4");
  add_query(workload, "INSERT INTO posts (user_id) VALUES (1)");
  const model::Catalog catalog = shop();
  EXPECT_TRUE(run_workload_rule(k_rule, workload, &catalog).empty());
}

TEST(FilterOnUnindexedColumn, QueriesNeedingTheSameIndexAreOneFindingRankedByTotalTime) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM users WHERE email = $1", 100, 10.0, 3);
  add_query(workload, "DELETE FROM users WHERE email = $1", 5, 500.0, 9);
  add_query(workload, "SELECT id FROM posts WHERE status = $1", 1000, 100.0, 20);
  const model::Catalog catalog = shop();
  const auto findings = run_workload_rule(k_rule, workload, &catalog);
  ASSERT_EQ(findings.size(), 2U);
  // users(email): 510 ms over two statements, first by total time; located
  // at the slowest statement.
  EXPECT_EQ(findings[0].object.to_string(), "public.users(email)");
  EXPECT_EQ(findings[0].location, log_line(9));
  EXPECT_EQ(findings[1].object.to_string(), "public.posts(status)");
}

TEST(FilterOnUnindexedColumn, SmallTablesByLiveStatisticsAreSkipped) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM users WHERE email = $1", 100, 10.0);
  model::Catalog catalog = shop();
  catalog.tables[0].stats = model::TableStats{};
  catalog.tables[0].stats->reltuples = 50;
  EXPECT_TRUE(run_workload_rule(k_rule, workload, &catalog).empty());
  catalog.tables[0].stats->reltuples = 50000;
  EXPECT_EQ(run_workload_rule(k_rule, workload, &catalog).size(), 1U);
}

} // namespace
