#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace index_dropped_non_concurrently_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "index-dropped-non-concurrently";

const std::string k_orders = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL);
CREATE INDEX "orders_customer_id_idx" ON "orders" ("customer_id");
)sql";

TEST(IndexDroppedNonConcurrently, ReportsAPlainDrop) {
  const auto findings = run_on_change(k_rule, k_orders, "DROP INDEX \"orders_customer_id_idx\";", k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders orders_customer_id_idx");
  ASSERT_TRUE(findings[0].fix.has_value());
  // drizzle-kit's transaction: CONCURRENTLY goes outside the migrator.
  EXPECT_NE(findings[0].fix->statements().find("outside the migrator"), std::string::npos)
      << findings[0].fix->statements();
  EXPECT_NE(findings[0].fix->statements().find("DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;"),
            std::string::npos);
}

TEST(IndexDroppedNonConcurrently, ConcurrentlyInAutocommitIsSafe) {
  EXPECT_TRUE(run_on_change(k_rule, k_orders, "DROP INDEX CONCURRENTLY \"orders_customer_id_idx\";").empty());
}

TEST(IndexDroppedNonConcurrently, AnIndexOfANewTableIsExempt) {
  EXPECT_TRUE(run_on_change(k_rule, k_orders,
                            "CREATE TABLE \"refunds\" (\"id\" bigint);\nCREATE INDEX \"refunds_id_idx\" ON "
                            "\"refunds\" (\"id\");\nDROP INDEX \"refunds_id_idx\";")
                  .empty());
}

} // namespace index_dropped_non_concurrently_test
