#include "rule_test_support.hpp"

#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

namespace index_created_non_concurrently_test {

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
  catalog.migration_steps.assign(steps.begin(), steps.end());
  return catalog;
}

TEST(IndexCreatedNonConcurrently, ReportsIndexOnExistingTable) {
  const auto findings =
      run_rule(k_rule, orders_catalog({index_step("orders_customer_id_idx", false, false)}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders orders_customer_id_idx");
  EXPECT_EQ(findings[0].location.file, "0001.sql");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders "
                "(customer_id);"),
            std::string::npos);
}

TEST(IndexCreatedNonConcurrently, NewTablesConcurrentAndDroppedIndexesAreClean) {
  EXPECT_TRUE(run_rule(k_rule, orders_catalog({index_step("orders_customer_id_idx", false, true),
                                               index_step("orders_customer_id_idx", true, false),
                                               index_step("dropped_later_idx", false, false)}))
                  .empty());
}

TEST(IndexCreatedNonConcurrently, FixBuildsConcurrentlyOutsideTheMigrator) {
  const auto findings =
      run_rule(k_rule, orders_catalog({index_step("orders_customer_id_idx", false, false)}));
  ASSERT_EQ(findings.size(), 1U);
  ASSERT_TRUE(findings[0].fix.has_value());
  // The CONCURRENTLY build comes first, outside the migrator; the migration keeps a no-op.
  const std::string& ddl = findings[0].fix->statements();
  const auto concurrent = ddl.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS");
  const auto in_migration = ddl.find("\nCREATE INDEX IF NOT EXISTS orders_customer_id_idx");
  ASSERT_NE(concurrent, std::string::npos) << ddl;
  ASSERT_NE(in_migration, std::string::npos) << ddl;
  EXPECT_LT(concurrent, in_migration);
  EXPECT_NE(findings[0].help.find("drizzle-kit migrate"), std::string::npos);
}

// A migrator that wraps each file (Prisma's query of several statements,
// goose, dbmate) is named, with the way it runs one file without: no
// drizzle-kit deploy step.
TEST(IndexCreatedNonConcurrently, AMigratorThatWrapsEachFileGetsAMigrationOfItsOwn) {
  for (const auto& [runner, hint] : std::vector<std::pair<model::MigrationTransaction, std::string>>{
           {model::MigrationTransaction::prisma, "(a Prisma migration of this one statement)"},
           {model::MigrationTransaction::goose, "(-- +goose NO TRANSACTION)"}}) {
    model::MigrationStep step = index_step("orders_customer_id_idx", false, false);
    step.transaction = runner;
    const auto findings = run_rule(k_rule, orders_catalog({step}));
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_NE(findings[0].help.find("build it in a migration of its own that runs without one " + hint),
              std::string::npos)
        << findings[0].help;
    EXPECT_EQ(findings[0].help.find("drizzle-kit"), std::string::npos) << findings[0].help;
    ASSERT_TRUE(findings[0].fix.has_value());
    EXPECT_EQ(findings[0].fix->statements(),
              "-- in a migration of its own, run without a transaction:\n"
              "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);");
  }
}

TEST(IndexCreatedNonConcurrently, UnknownSizeIsMediumAndSaysSo) {
  const auto findings =
      run_rule(k_rule, orders_catalog({index_step("orders_customer_id_idx", false, false)}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_NE(findings[0].message.find("table size unknown"), std::string::npos) << findings[0].message;
}

// With --db the live catalog is primary: a pending migration's index is not
// in the database yet, but the files define it, and the live table's size
// grades the finding.
TEST(IndexCreatedNonConcurrently, LiveCatalogGradesAPendingMigrationsIndex) {
  const model::Catalog files = orders_catalog({index_step("orders_customer_id_idx", false, false)});
  model::Table live_orders = table("orders", {column("id"), column("customer_id")});
  live_orders.stats = model::TableStats{};
  live_orders.stats->reltuples = 3'000'000;
  const model::Catalog live = catalog_of({live_orders});
  engine::RuleContext context;
  context.catalog = &live;
  context.files_catalog = &files;
  const auto findings = run_registered_rule(k_rule, context);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders orders_customer_id_idx");
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  EXPECT_NE(findings[0].message.find("(about 3,000,000 rows)"), std::string::npos) << findings[0].message;
}

TEST(IndexCreatedNonConcurrently, SeverityFollowsTableSize) {
  const auto step = index_step("orders_customer_id_idx", false, false);
  EXPECT_EQ(run_rule(k_rule, orders_catalog({step}, 200))[0].severity, core::Severity::low);
  EXPECT_EQ(run_rule(k_rule, orders_catalog({step}, 500'000))[0].severity, core::Severity::medium);
  EXPECT_NE(run_rule(k_rule, orders_catalog({step}, 500'000))[0].message.find("(about 500,000 rows)"),
            std::string::npos);
  EXPECT_EQ(run_rule(k_rule, orders_catalog({step}, 5'000'000))[0].severity, core::Severity::high);
  EXPECT_EQ(run_rule(k_rule, orders_catalog({step}, 50'000'000))[0].severity, core::Severity::critical);
}

} // namespace index_created_non_concurrently_test
