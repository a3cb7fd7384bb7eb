#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace vacuum_full_or_cluster_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "vacuum-full-or-cluster";

const std::string k_orders = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL);
CREATE INDEX "orders_customer_id_idx" ON "orders" ("customer_id");
)sql";

TEST(VacuumFullOrCluster, ReportsRewritingMaintenance) {
  const auto findings = run_on_change(
      k_rule, k_orders, "VACUUM FULL \"orders\";\nCLUSTER \"orders\" USING \"orders_customer_id_idx\";\n");
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_NE(findings[0].message.find("VACUUM FULL rewrites existing table orders"), std::string::npos);
  EXPECT_NE(findings[1].message.find("CLUSTER rewrites"), std::string::npos);
}

TEST(VacuumFullOrCluster, PlainVacuumAndAnalyzeAreClean) {
  EXPECT_TRUE(run_on_change(k_rule, k_orders,
                            "VACUUM \"orders\";\nVACUUM (ANALYZE) \"orders\";\nANALYZE \"orders\";\n")
                  .empty());
}

TEST(VacuumFullOrCluster, VacuumInsideTheMigratorsTransactionFails) {
  const auto findings = run_on_change(k_rule, k_orders, "VACUUM FULL \"orders\";", k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::critical);
  EXPECT_NE(findings[0].message.find("cannot run in a transaction block"), std::string::npos);
}

} // namespace vacuum_full_or_cluster_test
