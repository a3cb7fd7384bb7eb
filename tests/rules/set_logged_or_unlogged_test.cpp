#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace set_logged_or_unlogged_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "set-logged-or-unlogged";

const std::string k_views = R"sql(
CREATE TABLE "page_views" ("id" bigint PRIMARY KEY, "path" text NOT NULL);
)sql";

TEST(SetLoggedOrUnlogged, ReportsEitherPersistenceChangeOfAnExistingTable) {
  const auto findings = run_on_change(k_rule, k_views,
                                      "SET lock_timeout = '3s';\nALTER TABLE \"page_views\" SET UNLOGGED;\n"
                                      "ALTER TABLE \"page_views\" SET LOGGED;\n");
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.table, "page_views");
  EXPECT_EQ(findings[0].location.line, 2);
  EXPECT_NE(findings[0].message.find("SET UNLOGGED rewrites existing table page_views"), std::string::npos);
  EXPECT_NE(findings[0].message.find("a crash empties the table"), std::string::npos);
  EXPECT_NE(findings[1].message.find("SET LOGGED rewrites"), std::string::npos);
  EXPECT_NE(findings[0].fingerprint, findings[1].fingerprint);
}

TEST(SetLoggedOrUnlogged, ATableNoFileCreatesIsJudged) {
  const auto findings = run_on_change(k_rule, "SELECT 1;", "ALTER TABLE \"events\" SET UNLOGGED;\n");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.table, "events");
}

TEST(SetLoggedOrUnloggedGood, NewTableAndOtherAlterFormsAreClean) {
  EXPECT_TRUE(
      run_on_change(k_rule, k_views,
                    "CREATE TABLE \"scratch\" (\"id\" bigint);\nALTER TABLE \"scratch\" SET UNLOGGED;\n"
                    "ALTER TABLE \"page_views\" SET (fillfactor = 90);\n"
                    "ALTER TABLE \"page_views\" ALTER COLUMN \"path\" SET DEFAULT '/';\n")
          .empty());
}

} // namespace set_logged_or_unlogged_test
