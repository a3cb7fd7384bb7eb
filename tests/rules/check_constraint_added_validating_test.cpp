#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace check_constraint_added_validating_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "check-constraint-added-validating";

const std::string k_orders =
    R"sql(CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "total" numeric(12, 2));)sql";

TEST(CheckConstraintAddedValidating, ReportsAValidatingCheck) {
  const auto findings =
      run_on_change(k_rule, k_orders,
                    "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_total_check\" CHECK (\"total\" >= 0);");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders orders_total_check");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("CHECK (\"total\" >= 0) NOT VALID;"), std::string::npos)
      << findings[0].fix->statements();
}

TEST(CheckConstraintAddedValidating, NotValidThenValidateLaterIsSafe) {
  const model::Catalog catalog = replay_migrations({
      {"0000_init.sql", k_orders},
      {"0001_check.sql",
       "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_total_check\" CHECK (\"total\" >= 0) NOT VALID;"},
      {"0002_validate.sql", "ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"orders_total_check\";"},
  });
  EXPECT_TRUE(run_rule(k_rule, catalog).empty());
}

// drizzle-kit migrate runs the file in one transaction: the VALIDATE scans
// under the ADD's ACCESS EXCLUSIVE lock.
TEST(CheckConstraintAddedValidating, ValidatedInTheSameTransactionIsReportedAtTheValidate) {
  const std::string change = "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_total_check\" CHECK (\"total\" "
                             ">= 0) NOT VALID;\nALTER TABLE \"orders\" VALIDATE CONSTRAINT "
                             "\"orders_total_check\";\n";
  const auto findings = run_on_change(k_rule, k_orders, change, k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].location.line, 2);
  EXPECT_NE(findings[0].message.find("validated in the same transaction"), std::string::npos);
  // A BEGIN block in the file is one transaction too.
  EXPECT_EQ(run_on_change(k_rule, k_orders, "BEGIN;\n" + change + "COMMIT;\n").size(), 1U);
}

// Run by psql (autocommit), each statement commits on its own: the ADD's
// lock is gone when the VALIDATE scans under SHARE UPDATE EXCLUSIVE, which
// is what NOT VALID is for (squawk and pgfence accept it too).
TEST(CheckConstraintAddedValidating, ValidatedInAutocommitIsSafe) {
  EXPECT_TRUE(run_on_change(k_rule, k_orders,
                            "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_total_check\" CHECK (\"total\" "
                            ">= 0) NOT VALID;\nALTER TABLE \"orders\" VALIDATE CONSTRAINT "
                            "\"orders_total_check\";\n")
                  .empty());
}

} // namespace check_constraint_added_validating_test
