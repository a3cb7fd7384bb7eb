#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

namespace refresh_materialized_view_non_concurrently_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "refresh-materialized-view-non-concurrently";

const std::string k_view = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL, "total" numeric);
CREATE MATERIALIZED VIEW "order_totals" AS SELECT "customer_id", sum("total") AS "total" FROM "orders" GROUP BY 1;
CREATE UNIQUE INDEX "order_totals_customer_id_idx" ON "order_totals" ("customer_id");
)sql";

TEST(RefreshMaterializedViewNonConcurrently, PlainRefreshOfAnEarlierView) {
  const auto findings =
      run_on_change(k_rule, k_view, "REFRESH MATERIALIZED VIEW \"order_totals\";\n", k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.table, "order_totals");
  EXPECT_NE(findings[0].message.find("ACCESS EXCLUSIVE lock on the view"), std::string::npos);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements().rfind("REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;", 0),
            0U);
}

TEST(RefreshMaterializedViewNonConcurrently, ConcurrentlyEvenInATransactionNoDataAndNewViewsAreClean) {
  EXPECT_TRUE(
      run_on_change(k_rule, k_view, "REFRESH MATERIALIZED VIEW CONCURRENTLY \"order_totals\";\n", k_drizzle)
          .empty());
  EXPECT_TRUE(
      run_on_change(k_rule, k_view, "REFRESH MATERIALIZED VIEW \"order_totals\" WITH NO DATA;\n").empty());
  EXPECT_TRUE(
      run_on_change(k_rule, k_view,
                    "CREATE MATERIALIZED VIEW \"ids\" AS SELECT \"id\" FROM \"orders\" WITH NO DATA;\n"
                    "REFRESH MATERIALIZED VIEW \"ids\";\n")
          .empty());
}

} // namespace refresh_materialized_view_non_concurrently_test
