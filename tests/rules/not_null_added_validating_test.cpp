#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace not_null_added_validating_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "not-null-added-validating";

const std::string k_orders = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL, "status" text);
)sql";

TEST(NotNullAddedValidating, ReportsSetNotNullOnAnExistingColumn) {
  const auto findings =
      run_on_change(k_rule, k_orders, "ALTER TABLE \"orders\" ALTER COLUMN \"status\" SET NOT NULL;\n");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders(status)");
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_NE(findings[0].message.find("table size unknown"), std::string::npos) << findings[0].message;
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("CHECK (status IS NOT NULL) NOT VALID;"), std::string::npos);
  EXPECT_NE(findings[0].fix->statements().find("VALIDATE CONSTRAINT"), std::string::npos);
}

TEST(NotNullAddedValidating, AValidatedCheckSkipsTheScan) {
  // The look-alike: the fix's sequence, each step in its own migration.
  const model::Catalog catalog = replay_migrations({
      {"0000_init.sql", k_orders},
      {"0001_check.sql", "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_status_not_null\" CHECK (\"status\" "
                         "IS NOT NULL) NOT VALID;"},
      {"0002_validate.sql", "ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"orders_status_not_null\";\n"
                            "ALTER TABLE \"orders\" ALTER COLUMN \"status\" SET NOT NULL;"},
  });
  EXPECT_TRUE(run_rule(k_rule, catalog).empty());
}

// What PostgreSQL 15 accepts as proof (its DEBUG1 "existing constraints on
// column ... are sufficient to prove that it does not contain nulls"): NOT
// (col IS NULL), which it folds into col IS NOT NULL, and a conjunction with
// it; not a disjunction, nor another strict test of the column.
TEST(NotNullAddedValidating, OnlyWhatPostgresqlFoldsToIsNotNullProvesIt) {
  const auto set_not_null_after = [](const std::string& check) {
    return run_rule(k_rule, replay_migrations({
                                {"0000_init.sql", k_orders},
                                {"0001_check.sql",
                                 "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_status_check\" CHECK (" +
                                     check + ") NOT VALID;"},
                                {"0002_validate.sql",
                                 "ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"orders_status_check\";\n"
                                 "ALTER TABLE \"orders\" ALTER COLUMN \"status\" SET NOT NULL;"},
                            }))
        .size();
  };
  EXPECT_EQ(set_not_null_after("NOT (\"status\" IS NULL)"), 0U);
  EXPECT_EQ(set_not_null_after("\"status\" IS NOT NULL AND \"customer_id\" > 0"), 0U);
  EXPECT_EQ(set_not_null_after("\"status\" IS NOT NULL OR \"customer_id\" > 0"), 1U);
  EXPECT_EQ(set_not_null_after("\"status\" <> ''"), 1U);
  EXPECT_EQ(set_not_null_after("char_length(\"status\") > 0"), 1U);
}

TEST(NotNullAddedValidating, AnUnvalidatedCheckProvesNothing) {
  const model::Catalog catalog = replay_migrations({
      {"0000_init.sql", k_orders},
      {"0001_check.sql", "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_status_not_null\" CHECK (\"status\" "
                         "IS NOT NULL) NOT VALID;\n"
                         "ALTER TABLE \"orders\" ALTER COLUMN \"status\" SET NOT NULL;"},
  });
  EXPECT_EQ(run_rule(k_rule, catalog).size(), 1U);
}

TEST(NotNullAddedValidating, AlreadyNotNullAndNewTablesAreClean) {
  EXPECT_TRUE(
      run_on_change(k_rule, k_orders, "ALTER TABLE \"orders\" ALTER COLUMN \"customer_id\" SET NOT NULL;")
          .empty());
  EXPECT_TRUE(run_on_change(k_rule, k_orders,
                            "CREATE TABLE \"refunds\" (\"id\" bigint, \"reason\" text);\n"
                            "ALTER TABLE \"refunds\" ALTER COLUMN \"reason\" SET NOT NULL;")
                  .empty());
}

TEST(NotNullAddedValidating, SeverityFollowsTheTableSize) {
  model::Catalog catalog = replay_migrations(
      {{"0000_init.sql", k_orders},
       {"0001_change.sql", "ALTER TABLE \"orders\" ALTER COLUMN \"status\" SET NOT NULL;"}});
  catalog.tables[0].stats = model::TableStats{};
  catalog.tables[0].stats->reltuples = 20'000'000;
  const auto findings = run_rule(k_rule, catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::critical);
}

} // namespace not_null_added_validating_test
