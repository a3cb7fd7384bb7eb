#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

namespace backfill_in_migration_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "backfill-in-migration";

const std::string k_orders = R"sql(
CREATE TABLE "customers" ("id" bigint PRIMARY KEY, "email" text NOT NULL);
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL, "status" text);
)sql";

TEST(BackfillInMigration, UpdateWithoutWhere) {
  const auto findings = run_on_change(k_rule, k_orders, "UPDATE \"orders\" SET \"status\" = 'new';\n");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.table, "orders");
  EXPECT_EQ(findings[0].object.columns, std::vector<std::string>{"status"});
  EXPECT_NE(findings[0].message.find("(no WHERE)"), std::string::npos);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find(
                "orders.id IN (SELECT id FROM orders WHERE id > $1 ORDER BY id LIMIT 5000)"),
            std::string::npos);
}

TEST(BackfillInMigration, IsNullOfTheColumnJustAddedUnderItsLockIsHigh) {
  const auto findings =
      run_on_change(k_rule, k_orders,
                    "ALTER TABLE \"orders\" ADD COLUMN \"currency\" varchar(3);\n"
                    "UPDATE \"orders\" SET \"currency\" = 'EUR' WHERE \"currency\" IS NULL;\n",
                    k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  EXPECT_NE(findings[0].message.find("reads of orders wait for the whole backfill"), std::string::npos);
  EXPECT_NE(findings[0].message.find("graded high"), std::string::npos);
}

TEST(BackfillInMigration, JoinOfAnUpdateFromMatchesEveryRow) {
  const auto findings =
      run_on_change(k_rule, k_orders,
                    "UPDATE \"orders\" SET \"status\" = c.\"email\" FROM \"customers\" c WHERE c.\"id\" = "
                    "\"orders\".\"customer_id\";\n");
  ASSERT_EQ(findings.size(), 1U);
}

TEST(BackfillInMigration, SelectiveWhereOldColumnsAndNewTablesAreClean) {
  EXPECT_TRUE(
      run_on_change(k_rule, k_orders, "UPDATE \"orders\" SET \"status\" = 'void' WHERE \"id\" = 42;\n")
          .empty());
  // status existed before this migration: its NULLs may be few.
  EXPECT_TRUE(
      run_on_change(k_rule, k_orders, "UPDATE \"orders\" SET \"status\" = 'new' WHERE \"status\" IS NULL;\n")
          .empty());
  EXPECT_TRUE(run_on_change(k_rule, k_orders,
                            "CREATE TABLE \"settings\" (\"key\" text PRIMARY KEY, \"value\" text);\n"
                            "UPDATE \"settings\" SET \"value\" = 'x';\n")
                  .empty());
}

} // namespace backfill_in_migration_test
