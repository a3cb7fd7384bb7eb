#include "model/index_set.hpp"
#include "model/live_analysis.hpp"
#include "pg/parser.hpp"
#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace filter_on_unindexed_column_test {

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
      f.fix->statements(),
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_status_created_at_idx ON posts (status, created_at);");
  EXPECT_TRUE(pg::parse(f.fix->statements()).ok());
  EXPECT_EQ(f.fix->code_text(), "index(\"posts_status_created_at_idx\").on(table.status, table.createdAt)");
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

// Known sizes grade the finding as unindexed-foreign-key's: a 2,000-row
// table's scan (a live run's workspaces.ownerId, 0.08 ms a call) is not
// "do first"; a table of millions stays high. Unknown size: the default.
TEST(FilterOnUnindexedColumn, KnownTableSizesGradeTheSeverity) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM users WHERE email = $1", 54, 4.0);
  model::Catalog catalog = shop();
  ASSERT_EQ(run_workload_rule(k_rule, workload, &catalog).at(0).severity, core::Severity::high);
  catalog.tables[0].stats = model::TableStats{};
  catalog.tables[0].stats->reltuples = 2000;
  EXPECT_EQ(run_workload_rule(k_rule, workload, &catalog).at(0).severity, core::Severity::low);
  catalog.tables[0].stats->reltuples = 80000;
  EXPECT_EQ(run_workload_rule(k_rule, workload, &catalog).at(0).severity, core::Severity::medium);
  catalog.tables[0].stats->reltuples = 5000000;
  EXPECT_EQ(run_workload_rule(k_rule, workload, &catalog).at(0).severity, core::Severity::high);
}

// ORDER BY ... LIMIT with no filter (OFFSET pagination of a feed) sorts the
// table; the finding says so instead of "filters".
TEST(FilterOnUnindexedColumn, ASortWithALimitIsSaidToSort) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM posts ORDER BY created_at DESC LIMIT $1 OFFSET $2", 67, 7400.0);
  const model::Catalog catalog = shop();
  const auto findings = run_workload_rule(k_rule, workload, &catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.posts(created_at)");
  EXPECT_NE(findings[0].message.find("sorts posts by created_at"), std::string::npos) << findings[0].message;
  EXPECT_EQ(findings[0].message.find("filters"), std::string::npos) << findings[0].message;
}

// tasks_status_idx leads with status (3 values), so without a database the
// query counts as indexed. A live run's index set, costed with HypoPG over
// the whole workload, serves it with (assignee_id, status): the finding is
// reported with that index, so it and unindexed-foreign-key's
// (assignee_id) become one proposal instead of lint proposing one index
// and `pgadvise advise` another.
TEST(FilterOnUnindexedColumn, AnIndexTheSetOutdoesIsNotCover) {
  model::Table tasks = table(
      "tasks", {column("id"), column("assignee_id"), column("status", "text"), column("title", "text")}, 4);
  tasks.indexes.push_back(primary_key("tasks_pkey", {"id"}));
  tasks.indexes.push_back(index("tasks_status_idx", {"status"}));
  const model::Catalog catalog = catalog_of({tasks});
  model::Workload workload;
  const std::uint64_t fingerprint =
      add_query(workload, "SELECT id, title FROM tasks WHERE assignee_id = $1 AND status = $2", 52, 283.0);
  EXPECT_TRUE(run_workload_rule(k_rule, workload, &catalog).empty());

  model::LiveAnalysis live;
  live.index_set = std::make_shared<model::IndexSet>();
  model::IndexProposal set_index;
  set_index.schema = "public";
  set_index.table = "tasks";
  set_index.columns = {"assignee_id", "status"};
  set_index.name = "tasks_assignee_id_status_idx";
  set_index.ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_assignee_id_status_idx ON tasks (assignee_id, status);";
  set_index.serves = {fingerprint};
  live.proposals.push_back(set_index);
  engine::RuleContext context;
  context.catalog = &catalog;
  context.workload = &workload;
  context.live_analysis = &live;
  const auto findings = run_registered_rule(k_rule, context);
  ASSERT_EQ(findings.size(), 1U);
  ASSERT_TRUE(findings[0].fix);
  EXPECT_EQ(findings[0].fix->statements(), set_index.ddl);
  EXPECT_NE(findings[0].message.find("tasks_status_idx serves only in part"), std::string::npos)
      << findings[0].message;
}

model::Catalog accounts() {
  model::Table accounts = table("accounts",
                                {column("id"), column("email", "text"), column("settings", "jsonb"),
                                 column("prefs", "text"), column("created_at", "timestamptz")},
                                1);
  accounts.indexes.push_back(primary_key("accounts_pkey", {"id"}));
  accounts.indexes.push_back(index("accounts_email_idx", {"email"}));
  return catalog_of({accounts});
}

TEST(FilterOnUnindexedColumn, AJsonFieldFilterGetsAnExpressionIndex) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM accounts WHERE prefs::jsonb ->> 'theme' = $1", 40, 800.0, 7);
  const model::Catalog catalog = accounts();
  model::Project project;
  project.uses_drizzle = true;
  const auto findings = run_workload_rule(k_rule, workload, &catalog, {}, &project);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings.front();
  EXPECT_EQ(f.object.to_string(), "public.accounts((prefs::jsonb ->> 'theme'))");
  EXPECT_EQ(f.location, log_line(7));
  EXPECT_NE(f.message.find("filters accounts on prefs::jsonb ->> 'theme'"), std::string::npos) << f.message;
  EXPECT_NE(f.help.find("IMMUTABLE"), std::string::npos);
  ASSERT_TRUE(f.fix);
  EXPECT_EQ(f.fix->statements(),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_prefs_theme_idx ON accounts "
            "((prefs::jsonb ->> 'theme'));");
  EXPECT_TRUE(pg::parse(f.fix->statements()).ok());
  EXPECT_EQ(f.fix->code_text(),
            "index(\"accounts_prefs_theme_idx\").on(sql`(${table.prefs}::jsonb ->> 'theme')`)");
}

// A query comparing a JSON field with = and filtering a column of the same
// table gets one index with both keys (the equality key first, the range
// column after), not an expression index and a column index: one index,
// one proposal. Another query with the same filter joins that finding.
TEST(FilterOnUnindexedColumn, AnExpressionAndAColumnOfOneQueryGetOneCompositeIndex) {
  model::Workload workload;
  add_query(
      workload,
      "SELECT id FROM accounts WHERE prefs::jsonb ->> 'status' = 'failed' AND created_at >= $1 LIMIT 50", 11,
      1400.0, 124);
  add_query(workload,
            "SELECT count(*) FROM accounts WHERE created_at >= $1 AND prefs::jsonb ->> 'status' = 'failed'",
            3, 90.0, 130);
  const model::Catalog catalog = accounts();
  model::Project project;
  project.uses_drizzle = true;
  const auto findings = run_workload_rule(k_rule, workload, &catalog, {}, &project);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings.front();
  EXPECT_EQ(f.object.to_string(), "public.accounts((prefs::jsonb ->> 'status'), created_at)");
  EXPECT_NE(f.message.find("2 logged queries filter accounts on prefs::jsonb ->> 'status' together with "
                           "created_at, which no index serves (14 calls"),
            std::string::npos)
      << f.message;
  ASSERT_TRUE(f.fix);
  EXPECT_EQ(f.fix->statements(),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_prefs_status_created_at_idx ON "
            "accounts ((prefs::jsonb ->> 'status'), created_at);");
  EXPECT_TRUE(pg::parse(f.fix->statements()).ok());
  EXPECT_EQ(f.fix->code_text(),
            "index(\"accounts_prefs_status_created_at_idx\").on(sql`(${table.prefs}::jsonb ->> "
            "'status')`, table.createdAt)");
  // Both compared with =: the column leads, the expression follows (both equality keys).
  model::Workload equal;
  add_query(equal, "SELECT id FROM accounts WHERE lower(settings ->> 'team') = $1 AND created_at = $2", 5,
            10.0, 3);
  const auto both_equal = run_workload_rule(k_rule, equal, &catalog);
  ASSERT_EQ(both_equal.size(), 1U);
  ASSERT_TRUE(both_equal[0].fix);
  EXPECT_EQ(both_equal[0].fix->statements(),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_created_at_lower_settings_team_idx "
            "ON accounts (created_at, lower(settings ->> 'team'));");
}

// An expression compared by a range stays an index of its own: a range key
// must be last, and the column's filter then gets its own index.
TEST(FilterOnUnindexedColumn, ARangeOnAnExpressionIsNotCombined) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM accounts WHERE prefs::jsonb ->> 'rank' > '5' AND created_at >= $1", 4,
            40.0, 9);
  const model::Catalog catalog = accounts();
  const auto findings = run_workload_rule(k_rule, workload, &catalog);
  ASSERT_EQ(findings.size(), 2U);
  for (const core::Finding& f : findings) {
    ASSERT_TRUE(f.fix);
    EXPECT_EQ(f.message.find("together with"), std::string::npos) << f.message;
  }
}

// The message counts the queries by where they came from: a log's are
// "logged", pg_stat_statements' are named so, a .sql file's (or the one
// statement `pgadvise explain` judges) are just queries, and one call is
// "1 call".
TEST(FilterOnUnindexedColumn, TheQueriesAreNamedByTheirSource) {
  const model::Catalog catalog = accounts();
  model::Workload pgss;
  add_query(pgss, "SELECT id FROM accounts WHERE settings @> $1", 10, 100.0, 3);
  add_query(pgss, "SELECT id FROM accounts WHERE settings ? 'beta'", 10, 50.0, 4);
  pgss.sources.push_back(
      {"pg_stat_statements CSV", "pgss.csv", model::WorkloadSourceKind::pg_stat_statements});
  const auto from_pgss = run_workload_rule(k_rule, pgss, &catalog);
  ASSERT_EQ(from_pgss.size(), 1U);
  EXPECT_NE(
      from_pgss.front().message.find("2 queries in pg_stat_statements test accounts.settings with @>, ?"),
      std::string::npos)
      << from_pgss.front().message;
  model::Workload statement;
  add_query(statement, "SELECT id FROM accounts WHERE settings @> $1", 1, 0.0, 3);
  statement.sources.push_back({"the statement given", "", model::WorkloadSourceKind::sql_file});
  const auto given = run_workload_rule(k_rule, statement, &catalog);
  ASSERT_EQ(given.size(), 1U);
  EXPECT_NE(given.front().message.find(
                "1 query tests accounts.settings with @>, which no GIN index answers (1 call)"),
            std::string::npos)
      << given.front().message;
}

TEST(FilterOnUnindexedColumn, ContainmentAndKeyTestsGetOneGinIndex) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM accounts WHERE settings @> $1", 10, 100.0, 3);
  add_query(workload, "SELECT id FROM accounts WHERE settings ? 'beta'", 10, 50.0, 4);
  const model::Catalog catalog = accounts();
  const auto findings = run_workload_rule(k_rule, workload, &catalog);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings.front();
  EXPECT_NE(f.message.find("2 logged queries test accounts.settings with @>, ?"), std::string::npos)
      << f.message;
  ASSERT_TRUE(f.fix);
  EXPECT_EQ(
      f.fix->statements(),
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_settings_gin_idx ON accounts USING gin (settings);");
  // Only @>: the smaller jsonb_path_ops operator class.
  model::Workload containment;
  add_query(containment, "SELECT id FROM accounts WHERE settings @> $1", 10, 100.0, 3);
  const auto only = run_workload_rule(k_rule, containment, &catalog);
  ASSERT_EQ(only.size(), 1U);
  EXPECT_EQ(only[0].fix->statements(),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_settings_gin_idx ON accounts "
            "USING gin (settings jsonb_path_ops);");
}

TEST(FilterOnUnindexedColumn, CoveredAndNonImmutableExpressionsAreNotReported) {
  model::Catalog catalog = accounts();
  catalog.tables[0].indexes.push_back(keyed_index("accounts_lower_email", {expression_key("lower(email)")}));
  model::Workload workload;
  add_query(workload, "SELECT id FROM accounts WHERE email = $1");        // plain, indexed
  add_query(workload, "SELECT id FROM accounts WHERE LOWER(email) = $1"); // expression, indexed
  add_query(workload, "SELECT id FROM accounts WHERE date_trunc('day', created_at) = $1"); // not IMMUTABLE
  add_query(workload, "SELECT id FROM accounts WHERE settings ->> $1 = $2"); // key is a parameter
  EXPECT_TRUE(run_workload_rule(k_rule, workload, &catalog).empty());
}

} // namespace filter_on_unindexed_column_test
