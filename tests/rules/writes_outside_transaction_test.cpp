#include "loaders/logs/write_runs.hpp"
#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace writes_outside_transaction_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "writes-outside-transaction";

// A workload with one parsed statement per fingerprint: writes to `table`
// (INSERT), or a read when `table` is empty.
void add_statement(model::Workload& workload, std::uint64_t fingerprint, const std::string& table,
                   model::StatementKind kind = model::StatementKind::insert) {
  model::QueryStats& stats = workload.upsert(fingerprint);
  stats.parsed = true;
  stats.calls = 1;
  stats.normalized = table.empty() ? "SELECT 1" : "INSERT INTO " + table + " VALUES ($1)";
  stats.shape.kind = table.empty() ? model::StatementKind::select : kind;
  if (!table.empty()) {
    stats.shape.tables.push_back(model::TableUse{"", table});
  }
}

std::vector<core::Finding> run_on(const model::Workload& workload,
                                  const std::map<std::string, std::string>& options = {}) {
  return run_workload_rule(k_rule, workload, nullptr, options);
}

std::vector<loaders::GroupStatement> group(const std::vector<std::uint64_t>& fingerprints, int line = 10) {
  std::vector<loaders::GroupStatement> out;
  std::int64_t ts = 1'000'000;
  for (const std::uint64_t fingerprint : fingerprints) {
    out.push_back(loaders::GroupStatement{fingerprint, ts, line++});
    ts += 5'000;
  }
  return out;
}

model::Workload orders_workload() {
  model::Workload workload;
  add_statement(workload, 1, "orders");
  add_statement(workload, 2, "order_items");
  add_statement(workload, 3, "inventory", model::StatementKind::update);
  add_statement(workload, 4, "");
  return workload;
}

TEST(WritesOutsideTransaction, RecordsOneRunPerRequestAndCutsWhereItStartsOver) {
  model::Workload workload = orders_workload();
  // Two requests back to back on one connection: row-by-row items count once.
  loaders::record_write_runs(workload, "s1", "app.log", group({1, 2, 2, 4, 3, 1, 2, 3}));
  ASSERT_EQ(workload.write_runs.runs.size(), 1U);
  EXPECT_EQ(workload.write_runs.runs[0].fingerprints, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(workload.write_runs.runs[0].occurrences, 2U);
  EXPECT_EQ(workload.write_runs.runs[0].example.line, 10);
}

TEST(WritesOutsideTransaction, ReportsARepeatedPatternWithItsCount) {
  model::Workload workload = orders_workload();
  loaders::record_write_runs(workload, "s1", "app.log", group({1, 2, 3}, 10));
  loaders::record_write_runs(workload, "s1", "app.log", group({1, 2, 3}, 20));
  loaders::record_write_runs(workload, "s2", "app.log", group({1, 2, 3}, 30));
  const auto findings = run_on(workload);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders");
  EXPECT_EQ(findings[0].location.line, 10);
  EXPECT_NE(findings[0].message.find("3 times"), std::string::npos) << findings[0].message;
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->code_text().find("db.transaction(async (tx) =>"), std::string::npos);
  EXPECT_NE(findings[0].evidence[0].detail.find("sessions s1, s2"), std::string::npos)
      << findings[0].evidence[0].detail;
}

TEST(WritesOutsideTransaction, OneOffsSingleTablesAndUntimedGroupsAreClean) {
  model::Workload workload = orders_workload();
  loaders::record_write_runs(workload, "s1", "app.log", group({1, 2, 3}));
  loaders::record_write_runs(workload, "s1", "app.log", group({1, 2, 3}));
  for (int i = 0; i < 5; ++i) {
    loaders::record_write_runs(workload, "s1", "app.log", group({2, 4, 2}));
  }
  std::vector<loaders::GroupStatement> untimed = group({1, 2, 3});
  for (auto& statement : untimed) {
    statement.ts_us = 0;
  }
  loaders::record_write_runs(workload, "s1", "app.log", untimed);
  EXPECT_TRUE(run_on(workload).empty());
  EXPECT_EQ(run_on(workload, {{"min-occurrences", "2"}}).size(), 1U);
}

} // namespace writes_outside_transaction_test
