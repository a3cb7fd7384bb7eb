#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace unbounded_select_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "unbounded-select";

TEST(UnboundedSelect, WholeTableReadsAreReported) {
  model::Workload workload;
  add_query(workload, "SELECT id, title FROM posts", 3, 1.0, 4);
  add_query(workload, "SELECT u.id FROM users u JOIN orgs o ON o.id = u.org_id ORDER BY u.id", 1, 1.0, 9);
  const auto findings = run_workload_rule(k_rule, workload);
  EXPECT_EQ(objects(findings), (std::vector<std::string>{"public.posts", "public.users"}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].location, log_line(4));
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
}

TEST(UnboundedSelect, FilteredLimitedAggregatedAndCatalogReadsAreNot) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM posts WHERE id = 1");
  add_query(workload, "SELECT id FROM posts ORDER BY id LIMIT 10");
  add_query(workload, "SELECT count(*) FROM posts");
  add_query(workload, "SELECT status, count(*) FROM posts GROUP BY status");
  add_query(workload, "SELECT 1");
  add_query(workload, "SELECT relname FROM pg_class");
  add_query(workload, "SELECT table_name FROM information_schema.tables");
  EXPECT_TRUE(run_workload_rule(k_rule, workload).empty());
}

// A read of sub-selects that filter or limit their rows (a Drizzle
// `.from(sq)`; a job runner's due timers) is bounded by them; a sub-select
// that reads the whole table is not.
TEST(UnboundedSelect, SubSelectsThatFilterOrLimitBoundTheOuterRead) {
  model::Workload workload;
  add_query(workload,
            "SELECT id FROM (SELECT id FROM timers WHERE fired_at IS NULL AND due_at <= now() LIMIT 30) due");
  add_query(workload, "SELECT d.id FROM (SELECT id FROM timers ORDER BY due_at LIMIT 30) d");
  add_query(workload, "SELECT t.id FROM (SELECT id FROM posts) t", 3, 1.0, 7);
  const auto findings = run_workload_rule(k_rule, workload);
  EXPECT_EQ(objects(findings), std::vector<std::string>{"public.posts"});
}

TEST(UnboundedSelect, KnownRowCountsBelowTheThresholdAreNot) {
  model::Workload workload;
  const auto few = add_query(workload, "SELECT id, name FROM countries", 100);
  workload.find(few)->rows = 100 * 20; // 20 rows a call
  const auto many = add_query(workload, "SELECT id, title FROM posts", 10);
  workload.find(many)->rows = 10 * 5000;
  EXPECT_EQ(objects(run_workload_rule(k_rule, workload)), std::vector<std::string>{"public.posts"});
  // Live statistics: a table known to be small.
  model::Workload logged;
  add_query(logged, "SELECT id, name FROM countries");
  model::Table countries = table("countries", {column("id"), column("name", "text")});
  countries.stats = model::TableStats{};
  countries.stats->reltuples = 30;
  const model::Catalog catalog = catalog_of({countries});
  EXPECT_TRUE(run_workload_rule(k_rule, logged, &catalog).empty());
  EXPECT_EQ(run_workload_rule(k_rule, logged, &catalog, {{"min-rows", "10"}}).size(), 1U);
}

} // namespace unbounded_select_test
