#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace reindex_non_concurrently_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "reindex-non-concurrently";

const std::string k_orders = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL);
CREATE INDEX "orders_customer_id_idx" ON "orders" ("customer_id");
)sql";

TEST(ReindexNonConcurrently, ReportsIndexAndTableRebuilds) {
  const auto findings = run_on_change(
      k_rule, k_orders, "REINDEX INDEX \"orders_customer_id_idx\";\nREINDEX TABLE \"orders\";\n");
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].object.constraint, "orders_customer_id_idx");
  EXPECT_EQ(findings[1].object.table, "orders");
  ASSERT_TRUE(findings[1].fix.has_value());
  EXPECT_NE(findings[1].fix->statements().find("REINDEX TABLE CONCURRENTLY orders;"), std::string::npos)
      << findings[1].fix->statements();
}

TEST(ReindexNonConcurrently, ConcurrentlyIsSafe) {
  EXPECT_TRUE(
      run_on_change(k_rule, k_orders, "REINDEX INDEX CONCURRENTLY \"orders_customer_id_idx\";").empty());
}

} // namespace reindex_non_concurrently_test
