#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

namespace wide_lock_window_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "wide-lock-window";

const std::string k_tables = R"sql(
CREATE TABLE "customers" ("id" bigint PRIMARY KEY, "email" text NOT NULL);
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL, "status" text);
)sql";

TEST(WideLockWindow, IndexBuildOnAnotherTableAfterTheLockInDrizzleKitsTransaction) {
  const auto findings = run_on_change(k_rule, k_tables,
                                      "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;\n"
                                      "CREATE INDEX \"customers_email_idx\" ON \"customers\" (\"email\");\n",
                                      k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.table, "orders");
  EXPECT_EQ(findings[0].location.line, 1);
  EXPECT_NE(findings[0].message.find("builds an index on customers (line 2)"), std::string::npos);
  ASSERT_TRUE(findings[0].fix.has_value());
  // The lock is taken last in the proposed order.
  EXPECT_EQ(findings[0].fix->ddl.rfind("ALTER TABLE \"orders\" ADD COLUMN \"note\" text;"),
            findings[0].fix->ddl.size() -
                std::string("ALTER TABLE \"orders\" ADD COLUMN \"note\" text;").size());
}

TEST(WideLockWindow, OnlyOtherLocksInABeginBlockAreLow) {
  const auto findings = run_on_change(k_rule, k_tables,
                                      "BEGIN;\nALTER TABLE \"orders\" ADD COLUMN \"note\" text;\n"
                                      "ALTER TABLE \"customers\" ADD COLUMN \"nickname\" text;\nCOMMIT;\n");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::low);
  EXPECT_NE(findings[0].message.find("waits for ACCESS EXCLUSIVE on customers"), std::string::npos);
}

// A real app's hand-written migration enables row-level security on every
// tenant table in one file (ENABLE, CREATE POLICY, FORCE per table): each
// statement only locks another table. No order helps, so the fix bounds the
// waits instead of reordering, and the message names a few tables, not all.
TEST(WideLockWindow, RowLevelSecurityOnManyTablesIsOneShortFindingWithLockTimeout) {
  std::string tables;
  std::string rls;
  for (int i = 0; i < 30; ++i) {
    const std::string t = "tenant_table_" + std::to_string(i);
    tables += "CREATE TABLE " + t + " (id uuid PRIMARY KEY, tenant_id uuid NOT NULL);\n";
    rls += "ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY;\n";
    rls += "CREATE POLICY tenant_isolation_" + t + " ON " + t +
           " USING (tenant_id = current_setting('app.tenant_id')::uuid);\n";
  }
  const auto findings = run_on_change(k_rule, tables, rls, k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings[0];
  EXPECT_EQ(f.severity, core::Severity::low);
  EXPECT_EQ(f.object.table, "tenant_table_0");
  EXPECT_NE(f.message.find("waits for ACCESS EXCLUSIVE on tenant_table_1 (line 3)"), std::string::npos);
  EXPECT_EQ(f.message.find("tenant_table_29"), std::string::npos);
  EXPECT_NE(f.message.find("then 25 more statements on other tables (to line 59)"), std::string::npos);
  EXPECT_EQ(f.evidence.size(), 5U); // the held statement and the first four after it
  ASSERT_TRUE(f.fix.has_value());
  EXPECT_NE(f.fix->ddl.find("SET LOCAL lock_timeout"), std::string::npos);
  EXPECT_EQ(f.fix->ddl.find("ENABLE ROW LEVEL SECURITY"), std::string::npos); // no reordering
}

TEST(WideLockWindow, LongStatementsAfterTheLockAreListedUpToFour) {
  std::string tables = "CREATE TABLE held (id bigint PRIMARY KEY);\n";
  std::string change = "ALTER TABLE held ADD COLUMN note text;\n";
  for (int i = 0; i < 6; ++i) {
    const std::string t = "big_" + std::to_string(i);
    tables += "CREATE TABLE " + t + " (id bigint PRIMARY KEY, code text);\n";
    change += "CREATE INDEX " + t + "_code_idx ON " + t + " (code);\n";
  }
  const auto findings = run_on_change(k_rule, tables, change, k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_NE(findings[0].message.find("builds an index on big_3 (line 5), then 2 more statements on other "
                                     "tables (to line 7)"),
            std::string::npos);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->ddl.find("-- ... and 2 more statements on other tables (to line 7)\n"
                                      "ALTER TABLE held ADD COLUMN note text;"),
            std::string::npos);
}

TEST(WideLockWindow, AutocommitLockTakenLastNewTablesAndTheSameTableAreClean) {
  const std::string two = "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;\n"
                          "CREATE INDEX \"customers_email_idx\" ON \"customers\" (\"email\");\n";
  EXPECT_TRUE(run_on_change(k_rule, k_tables, two).empty()); // autocommit
  EXPECT_TRUE(run_on_change(k_rule, k_tables,
                            "CREATE INDEX \"customers_email_idx\" ON \"customers\" (\"email\");\n"
                            "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;\n",
                            k_drizzle)
                  .empty());
  EXPECT_TRUE(run_on_change(k_rule, k_tables,
                            "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;\n"
                            "CREATE TABLE \"coupons\" (\"code\" text PRIMARY KEY);\n"
                            "CREATE INDEX \"coupons_code_idx\" ON \"coupons\" (\"code\");\n",
                            k_drizzle)
                  .empty());
  // The same table's later statements have their own rules.
  EXPECT_TRUE(run_on_change(k_rule, k_tables,
                            "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;\n"
                            "CREATE INDEX \"orders_status_idx\" ON \"orders\" (\"status\");\n",
                            k_drizzle)
                  .empty());
}

TEST(WideLockWindow, OneFindingPerTransaction) {
  const auto findings = run_on_change(k_rule, k_tables,
                                      "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;\n"
                                      "ALTER TABLE \"customers\" ADD COLUMN \"nickname\" text;\n"
                                      "UPDATE \"customers\" SET \"nickname\" = \"email\";\n",
                                      k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_NE(findings[0].message.find("updates every row of customers (line 3)"), std::string::npos);
}

TEST(WideLockWindow, WithDbDrizzleKitsTransactionSpansThePendingFilesAfterTheLock) {
  const std::vector<MigrationFile> files{
      {"0000_init.sql", k_tables},
      {"0001_note.sql", "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;\n"},
      {"0002_email_index.sql", "CREATE INDEX \"customers_email_idx\" ON \"customers\" (\"email\");\n"}};
  const model::Catalog replayed = replay_migrations(files, k_drizzle);
  // --db: the live catalog is the schema, the files' catalog gives the
  // steps, and every file after a pending one is pending too.
  const model::Catalog live = replayed;
  engine::RuleContext context;
  context.catalog = &live;
  context.files_catalog = &replayed;
  const auto findings = run_registered_rule(k_rule, context);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].location.file.str(), "migrations/0001_note.sql");
  EXPECT_NE(findings[0].message.find("builds an index on customers (0002_email_index.sql line 1)"),
            std::string::npos);
  // Without --db which files are pending is unknown: each file on its own.
  EXPECT_TRUE(run_rule(k_rule, replayed).empty());
  // psql runs each file on its own.
  EXPECT_TRUE(run_rule(k_rule, replay_migrations(files)).empty());
}

} // namespace wide_lock_window_test
