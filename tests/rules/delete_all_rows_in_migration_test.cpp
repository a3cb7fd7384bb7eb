#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace delete_all_rows_in_migration_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "delete-all-rows-in-migration";

const std::string k_views = R"sql(
CREATE TABLE "page_views" ("id" bigint PRIMARY KEY, "path" text NOT NULL, "viewed_at" timestamptz);
CREATE TABLE "sessions" ("id" text PRIMARY KEY);
)sql";

TEST(DeleteAllRowsInMigration, ReportsADeleteWithoutWhere) {
  const auto findings = run_on_change(k_rule, k_views, "DELETE FROM \"page_views\";\n");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.table, "page_views");
  EXPECT_NE(findings[0].message.find("DELETE of every row of existing table page_views"), std::string::npos);
  EXPECT_NE(findings[0].message.find("no WHERE"), std::string::npos);
  EXPECT_NE(findings[0].fix->statements().find("TRUNCATE page_views;"), std::string::npos);
}

TEST(DeleteAllRowsInMigration, ATautologyIsNoWhereAtAll) {
  const auto findings = run_on_change(k_rule, k_views,
                                      "DELETE FROM \"page_views\" WHERE 1 = 1;\n"
                                      "DELETE FROM \"sessions\" WHERE NOT false;\n"
                                      "DELETE FROM \"sessions\" WHERE true;\n"
                                      "DELETE FROM \"sessions\" WHERE NULL IS NULL;\n");
  ASSERT_EQ(findings.size(), 4U);
  EXPECT_NE(findings[0].message.find("WHERE 1 = 1, always true"), std::string::npos);
  EXPECT_NE(findings[1].message.find("WHERE NOT false"), std::string::npos);
}

TEST(DeleteAllRowsInMigrationGood, SelectiveJoinedAndNewTableDeletesAreClean) {
  EXPECT_TRUE(run_on_change(k_rule, k_views,
                            "DELETE FROM \"page_views\" WHERE \"viewed_at\" < now() - interval '90 days';\n"
                            "DELETE FROM \"page_views\" WHERE 1 = 2;\n"
                            "DELETE FROM \"page_views\" WHERE NULL IS NOT NULL;\n"
                            "DELETE FROM \"sessions\" USING \"page_views\" WHERE \"sessions\".\"id\" = "
                            "\"page_views\".\"path\";\n"
                            "CREATE TABLE \"staging\" (\"id\" bigint);\nDELETE FROM \"staging\";\n")
                  .empty());
}

} // namespace delete_all_rows_in_migration_test
