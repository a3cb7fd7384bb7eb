#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "index-created-non-concurrently";

model::MigrationStep index_step(std::string index, bool concurrently, bool table_is_new) {
  model::MigrationStep step;
  step.kind = model::MigrationStepKind::create_index;
  step.schema = "public";
  step.table = "orders";
  step.object = std::move(index);
  step.concurrently = concurrently;
  step.table_is_new = table_is_new;
  step.location = core::SourceLocation{"0001.sql", 2, 1};
  return step;
}

model::Catalog orders_catalog(std::vector<model::MigrationStep> steps, double rows = -1) {
  model::Table orders = table("orders", {column("id"), column("customer_id")}, 1);
  orders.indexes.push_back(index("orders_customer_id_idx", {"customer_id"}));
  if (rows >= 0) {
    orders.stats = model::TableStats{};
    orders.stats->reltuples = rows;
  }
  model::Catalog catalog = catalog_of({orders});
  catalog.migration_steps = std::move(steps);
  return catalog;
}

TEST(IndexCreatedNonConcurrently, IsRegistered) {
  const engine::Rule* rule = rules::find_rule(k_rule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->meta().default_severity, core::Severity::medium);
}

TEST(IndexCreatedNonConcurrently, ReportsIndexOnExistingTable) {
  const auto findings =
      run_rule(k_rule, orders_catalog({index_step("orders_customer_id_idx", false, false)}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders orders_customer_id_idx");
  EXPECT_EQ(findings[0].location.file, "0001.sql");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(
      findings[0].fix->ddl.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders "
                                "(customer_id);"),
      std::string::npos);
}

TEST(IndexCreatedNonConcurrently, NewTablesConcurrentAndDroppedIndexesAreClean) {
  EXPECT_TRUE(run_rule(k_rule, orders_catalog({index_step("orders_customer_id_idx", false, true),
                                               index_step("orders_customer_id_idx", true, false),
                                               index_step("dropped_later_idx", false, false)}))
                  .empty());
}

TEST(IndexCreatedNonConcurrently, SeverityFollowsTableSize) {
  const auto step = index_step("orders_customer_id_idx", false, false);
  EXPECT_EQ(run_rule(k_rule, orders_catalog({step}, 200))[0].severity, core::Severity::low);
  EXPECT_EQ(run_rule(k_rule, orders_catalog({step}, 5'000'000))[0].severity, core::Severity::high);
  EXPECT_EQ(run_rule(k_rule, orders_catalog({step}, 50'000'000))[0].severity, core::Severity::critical);
}

} // namespace
