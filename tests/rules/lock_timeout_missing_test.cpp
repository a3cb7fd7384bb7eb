#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace lock_timeout_missing_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "lock-timeout-missing";

const std::string k_orders = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL, "note" text);
)sql";

TEST(LockTimeoutMissing, ReportsTheFirstAccessExclusiveStatementOfAFile) {
  const auto findings = run_on_change(k_rule, k_orders,
                                      "ALTER TABLE \"orders\" ADD COLUMN \"region\" text;\n"
                                      "ALTER TABLE \"orders\" ALTER COLUMN \"note\" SET DEFAULT '';\n",
                                      k_drizzle);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].location.line, 1);
  EXPECT_EQ(findings[0].object.table, "orders");
  ASSERT_TRUE(findings[0].fix.has_value());
  // drizzle-kit's one transaction: SET LOCAL, and the note says why.
  EXPECT_NE(findings[0].fix->statements().find("SET LOCAL lock_timeout = '3s';--> statement-breakpoint"),
            std::string::npos)
      << findings[0].fix->statements();
  EXPECT_NE(findings[0].fix->statements().find("SET LOCAL statement_timeout"), std::string::npos);
  EXPECT_NE(std::string(findings[0].fix->safety_note.view()).find("SET LOCAL semantics"), std::string::npos);
}

TEST(LockTimeoutMissing, TimeoutsSetFirstAreEnough) {
  EXPECT_TRUE(run_on_change(k_rule, k_orders,
                            "SET lock_timeout = '3s';\nSET statement_timeout TO 60000;\n"
                            "ALTER TABLE \"orders\" ADD COLUMN \"region\" text;\n")
                  .empty());
}

TEST(LockTimeoutMissing, ALockTimeoutOverTenSecondsIsTooLong) {
  // pgfence's lock-timeout-too-long: 5 minutes of queue behind the request
  // is the outage the setting is there to prevent.
  const auto findings = run_on_change(k_rule, k_orders,
                                      "SET lock_timeout = '5min';\nSET statement_timeout = '2h';\n"
                                      "ALTER TABLE \"orders\" ADD COLUMN \"region\" text;\n");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].message.find("lock_timeout = '5min'"), std::string::npos) << findings[0].message;
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("SET lock_timeout = '3s';"), std::string::npos);
  EXPECT_EQ(findings[0].fix->statements().find("statement_timeout"), std::string::npos)
      << findings[0].fix->statements();
  // 10 seconds, 10000 (milliseconds) and 2s bound it.
  for (const std::string value : {"'10s'", "10000", "'2s'", "'1500ms'"}) {
    EXPECT_TRUE(run_on_change(k_rule, k_orders,
                              "SET lock_timeout = " + value +
                                  ";\nSET statement_timeout = '1min';\n"
                                  "ALTER TABLE \"orders\" ADD COLUMN \"region\" text;\n")
                    .empty())
        << value;
  }
}

TEST(LockTimeoutMissing, AutocommitFilesGetPlainSet) {
  const auto findings =
      run_on_change(k_rule, k_orders, "ALTER TABLE \"orders\" RENAME COLUMN \"note\" TO \"memo\";");
  ASSERT_EQ(findings.size(), 1U);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements().rfind("SET lock_timeout = '3s';", 0), 0U)
      << findings[0].fix->statements();
}

TEST(LockTimeoutMissing, ZeroTimeoutsAndLateSetsDoNotCount) {
  EXPECT_EQ(run_on_change(k_rule, k_orders,
                          "SET lock_timeout = 0;\nSET statement_timeout = 0;\n"
                          "ALTER TABLE \"orders\" ADD COLUMN \"region\" text;\n")
                .size(),
            1U);
  EXPECT_EQ(run_on_change(k_rule, k_orders,
                          "ALTER TABLE \"orders\" ADD COLUMN \"region\" text;\nSET lock_timeout = '3s';\n")
                .size(),
            1U);
}

// PostgreSQL ignores SET LOCAL outside a transaction block (with a
// warning): in a psql-run file it bounds nothing; in a transaction it does.
TEST(LockTimeoutMissing, SetLocalCountsOnlyInATransaction) {
  const std::string change = "SET LOCAL lock_timeout = '3s';\nSET LOCAL statement_timeout = '1min';\n"
                             "ALTER TABLE \"orders\" ADD COLUMN \"region\" text;\n";
  const auto findings = run_on_change(k_rule, k_orders, change);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].location.line, 3);
  EXPECT_TRUE(run_on_change(k_rule, k_orders, change, k_drizzle).empty());
  EXPECT_TRUE(run_on_change(k_rule, k_orders, "BEGIN;\n" + change + "COMMIT;\n").empty());
}

// In a BEGIN block the fix's SET LOCAL goes after the BEGIN: before it,
// outside any transaction, PostgreSQL would ignore it.
TEST(LockTimeoutMissing, BeginBlockFixGoesAfterTheBegin) {
  const auto findings = run_on_change(
      k_rule, k_orders, "BEGIN;\nALTER TABLE \"orders\" ADD COLUMN \"region\" text;\nCOMMIT;\n");
  ASSERT_EQ(findings.size(), 1U);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("SET LOCAL lock_timeout"), std::string::npos)
      << findings[0].fix->statements();
  EXPECT_NE(findings[0].fix->statements().find("right after its BEGIN"), std::string::npos)
      << findings[0].fix->statements();
}

TEST(LockTimeoutMissing, OnlyStatementTimeoutMissingIsLow) {
  const auto findings = run_on_change(
      k_rule, k_orders, "SET lock_timeout = '3s';\nALTER TABLE \"orders\" ADD COLUMN \"region\" text;\n");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::low);
}

TEST(LockTimeoutMissing, WeakerLocksAndNewTablesAreClean) {
  EXPECT_TRUE(
      run_on_change(
          k_rule, k_orders,
          "CREATE INDEX \"orders_note_idx\" ON \"orders\" (\"note\");\n"
          "CREATE TABLE \"refunds\" (\"id\" bigint);\nALTER TABLE \"refunds\" ADD COLUMN \"x\" int;\n")
          .empty());
}

// DROP TABLE and DROP TRIGGER take ACCESS EXCLUSIVE too: the dropped table's
// (gone by the end of the files, yet in use until the statement runs), and a
// DROP TABLE's on the table its foreign key references, whose triggers go.
TEST(LockTimeoutMissing, DropTableAndDropTriggerTakeTheLock) {
  const std::string setup =
      k_orders + "CREATE TABLE \"order_notes\" (\"id\" bigint PRIMARY KEY, \"order_id\" bigint REFERENCES "
                 "\"orders\" (\"id\"));\n";
  const auto dropped =
      run_on_change(k_rule, setup, "SET statement_timeout = '1min';\nDROP TABLE \"order_notes\";\n");
  ASSERT_EQ(dropped.size(), 1U);
  EXPECT_EQ(dropped[0].object.table, "order_notes");
  EXPECT_EQ(dropped[0].location.line, 2);

  // The referenced table's lock is its own step: reported where the file
  // locks nothing else first.
  const auto steps =
      replay_migrations({{"0000_init.sql", setup}, {"0001_change.sql", "DROP TABLE \"order_notes\";"}});
  int on_orders = 0;
  for (const model::MigrationStep& step : steps.migration_steps) {
    on_orders += step.table == "orders" && step.detail == "DROP TABLE" && step.object == "order_notes" &&
                 step.lock == model::LockMode::access_exclusive;
  }
  EXPECT_EQ(on_orders, 1);

  const auto trigger = run_on_change(k_rule, k_orders, "DROP TRIGGER \"orders_touch\" ON \"orders\";\n");
  ASSERT_EQ(trigger.size(), 1U);
  EXPECT_EQ(trigger[0].object.table, "orders");
  EXPECT_TRUE(
      run_on_change(k_rule, setup,
                    "SET lock_timeout = '2s';\nSET statement_timeout = '1min';\nDROP TABLE \"order_notes\";\n"
                    "DROP TRIGGER \"orders_touch\" ON \"orders\";\n")
          .empty());
}

// PostgreSQL 15 locks (pg_locks, checked): DROP VIEW, DROP MATERIALIZED VIEW
// and CREATE OR REPLACE VIEW take ACCESS EXCLUSIVE on the view (the tables it
// reads get none or ACCESS SHARE); CREATE, ALTER and DROP POLICY on the table.
TEST(LockTimeoutMissing, ViewsAndPoliciesTakeTheLock) {
  const std::string setup = k_orders + "CREATE VIEW \"open_orders\" AS SELECT * FROM \"orders\";\n";
  const auto dropped = run_on_change(k_rule, setup, "DROP VIEW \"open_orders\";\n");
  ASSERT_EQ(dropped.size(), 1U);
  EXPECT_EQ(dropped[0].object.table, "open_orders");
  EXPECT_NE(dropped[0].message.find("on existing view open_orders"), std::string::npos);
  EXPECT_EQ(dropped[0].message.find("size unknown"), std::string::npos); // a view has no rows to grade by

  const auto replaced =
      run_on_change(k_rule, setup, "CREATE OR REPLACE VIEW \"open_orders\" AS SELECT * FROM \"orders\";\n");
  ASSERT_EQ(replaced.size(), 1U);
  EXPECT_EQ(replaced[0].object.table, "open_orders");

  const auto renamed =
      run_on_change(k_rule, setup, "ALTER VIEW \"open_orders\" RENAME TO \"orders_open\";\n");
  ASSERT_EQ(renamed.size(), 1U);
  EXPECT_EQ(renamed[0].object.table, "orders_open");

  // A view the same file creates is new, replaced or dropped; a plain CREATE
  // VIEW locks nothing in use.
  EXPECT_TRUE(run_on_change(k_rule, k_orders,
                            "CREATE VIEW \"v\" AS SELECT 1;\nCREATE OR REPLACE VIEW \"v\" AS SELECT 2;\n"
                            "DROP VIEW \"v\";\n")
                  .empty());

  for (const std::string policy :
       {"CREATE POLICY \"p\" ON \"orders\" USING (true);\n", "DROP POLICY \"p0\" ON \"orders\";\n",
        "ALTER POLICY \"p0\" ON \"orders\" USING (false);\n"}) {
    const auto findings =
        run_on_change(k_rule, k_orders + "CREATE POLICY \"p0\" ON \"orders\" USING (true);\n", policy);
    ASSERT_EQ(findings.size(), 1U) << policy;
    EXPECT_EQ(findings[0].object.table, "orders") << policy;
  }
}

} // namespace lock_timeout_missing_test
