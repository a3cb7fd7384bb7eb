#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace not_null_column_added_without_default_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "not-null-column-added-without-default";

const std::string k_orders = R"sql(CREATE TABLE "orders" ("id" bigint PRIMARY KEY);)sql";

TEST(NotNullColumnAddedWithoutDefault, ReportsARequiredColumnWithoutDefault) {
  const auto findings =
      run_on_change(k_rule, k_orders, "ALTER TABLE \"orders\" ADD COLUMN \"region\" text NOT NULL;");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders(region)");
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("ADD COLUMN region text;"), std::string::npos)
      << findings[0].fix->statements();
}

TEST(NotNullColumnAddedWithoutDefault, DefaultsAndGeneratedValuesFillTheRows) {
  EXPECT_TRUE(run_on_change(k_rule, k_orders, R"sql(
ALTER TABLE "orders" ADD COLUMN "region" text NOT NULL DEFAULT 'eu';
ALTER TABLE "orders" ADD COLUMN "number" bigserial NOT NULL;
ALTER TABLE "orders" ADD COLUMN "position" integer GENERATED ALWAYS AS IDENTITY;
ALTER TABLE "orders" ADD COLUMN "note" text;
)sql")
                  .empty());
}

TEST(NotNullColumnAddedWithoutDefault, AnEmptyTableIsOnlyLow) {
  model::Catalog catalog =
      replay_migrations({{"0000_init.sql", k_orders},
                         {"0001_change.sql", "ALTER TABLE \"orders\" ADD COLUMN \"region\" text NOT NULL;"}});
  catalog.tables[0].stats = model::TableStats{};
  catalog.tables[0].stats->reltuples = 0;
  const auto findings = run_rule(k_rule, catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::low);
}

} // namespace not_null_column_added_without_default_test
