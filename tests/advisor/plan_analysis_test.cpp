#include "advisor/plan_analysis.hpp"
#include "pg/plan_json.hpp"
#include "rules/rule_test_support.hpp"

#include <gtest/gtest.h>

namespace pgadvise::advisor {
namespace {

model::Table table(std::string name, double rows, std::vector<std::string> columns) {
  model::Table out;
  out.name = std::move(name);
  for (std::string& c : columns) {
    out.columns.push_back(test::column(std::move(c)));
  }
  model::TableStats stats;
  stats.reltuples = rows;
  out.stats = stats;
  return out;
}

model::Catalog catalog() {
  model::Catalog out;
  out.tables.push_back(table("orders", 300000, {"id", "customer_id", "status"}));
  out.tables.push_back(table("customers", 20000, {"id", "email"}));
  out.tables.push_back(table("plans", 3, {"code", "price"}));
  return out;
}

model::ExplainedQuery explained(std::string_view json) {
  model::ExplainedQuery query;
  query.fingerprint = 99;
  auto plan = pg::parse_plan_json(json);
  EXPECT_TRUE(plan.ok()) << plan.error().message;
  if (plan.ok()) {
    query.plan = std::move(plan).value();
  }
  return query;
}

TEST(PlanAnalysis, SeqScanWhoseFilterRemovesMostRowsOfALargeTable) {
  const auto query =
      explained(R"json([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "o",
      "Total Cost": 5000, "Plan Rows": 10, "Actual Rows": 12, "Actual Loops": 1, "Actual Total Time": 30.0,
      "Filter": "((o.customer_id = 42) AND (status = 'paid'::text))", "Rows Removed by Filter": 299988,
      "Shared Hit Blocks": 100, "Shared Read Blocks": 2340}, "Execution Time": 32.0}])json");
  const auto issues = analyze_plan(query, catalog());
  ASSERT_EQ(issues.size(), 1U);
  const model::PlanIssue& issue = issues.front();
  EXPECT_EQ(issue.kind, model::PlanIssueKind::seq_scan_filter);
  EXPECT_EQ(issue.fingerprint, 99U);
  EXPECT_EQ(issue.schema, "public");
  EXPECT_EQ(issue.table, "orders");
  EXPECT_EQ(issue.columns, (std::vector<std::string>{"customer_id", "status"}));
  EXPECT_DOUBLE_EQ(issue.rows_removed, 299988);
  EXPECT_DOUBLE_EQ(issue.rows_returned, 12);
  EXPECT_DOUBLE_EQ(issue.node_ms, 30.0);
  EXPECT_NEAR(issue.time_share, 30.0 / 32.0, 1e-9);
  EXPECT_EQ(issue.shared_read, 2340);
  EXPECT_TRUE(issue.analyzed);
}

TEST(PlanAnalysis, ScansThatKeepRowsOrSmallTablesAreFine) {
  // Keeps most rows: a report, not a missing index.
  EXPECT_TRUE(analyze_plan(explained(R"json([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders",
      "Actual Rows": 200000, "Actual Loops": 1, "Filter": "(status <> 'x')", "Rows Removed by Filter": 100000}}])json"),
                           catalog())
                  .empty());
  // A small table.
  EXPECT_TRUE(analyze_plan(explained(R"json([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "plans",
      "Actual Rows": 1, "Actual Loops": 1, "Filter": "(price > 5)", "Rows Removed by Filter": 2}}])json"),
                           catalog())
                  .empty());
  // No filter: reads everything on purpose.
  EXPECT_TRUE(analyze_plan(explained(R"json([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders",
      "Actual Rows": 300000, "Actual Loops": 1}}])json"),
                           catalog())
                  .empty());
}

TEST(PlanAnalysis, EstimatesStandInWithoutAnalyze) {
  const auto issues =
      analyze_plan(explained(R"json([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders",
      "Plan Rows": 15, "Filter": "(customer_id = $1)"}}])json"),
                   catalog());
  ASSERT_EQ(issues.size(), 1U);
  EXPECT_FALSE(issues.front().analyzed);
  EXPECT_EQ(issues.front().columns, std::vector<std::string>{"customer_id"});
}

TEST(PlanAnalysis, NestedLoopRescanningTheInnerTable) {
  const auto query =
      explained(R"json([{"Plan": {"Node Type": "Nested Loop", "Actual Rows": 40, "Actual Loops": 1,
      "Actual Total Time": 900.0, "Plans": [
        {"Node Type": "Index Scan", "Parent Relationship": "Outer", "Relation Name": "customers", "Alias": "c",
         "Index Name": "customers_pkey", "Actual Rows": 20, "Actual Loops": 1},
        {"Node Type": "Seq Scan", "Parent Relationship": "Inner", "Relation Name": "orders", "Alias": "o",
         "Actual Rows": 2, "Actual Loops": 20, "Actual Total Time": 44.0,
         "Filter": "(o.customer_id = c.id)", "Rows Removed by Filter": 299998}]},
      "Execution Time": 901.0}])json");
  const auto issues = analyze_plan(query, catalog());
  ASSERT_EQ(issues.size(), 1U) << "the inner scan is reported once, as a rescan";
  const model::PlanIssue& issue = issues.front();
  EXPECT_EQ(issue.kind, model::PlanIssueKind::nested_loop_rescan);
  EXPECT_EQ(issue.table, "orders");
  EXPECT_EQ(issue.outer_table, "customers");
  EXPECT_EQ(issue.columns, std::vector<std::string>{"customer_id"}) << "c.id belongs to the other side";
  EXPECT_DOUBLE_EQ(issue.loops, 20);
  EXPECT_DOUBLE_EQ(issue.rows_removed, 299998.0 * 20);
  EXPECT_DOUBLE_EQ(issue.node_ms, 880.0);
}

TEST(PlanAnalysis, FilterColumnsSkipLiteralsCallsAndOtherAliases) {
  const model::Table orders = table("orders", 1, {"id", "customer_id", "status"});
  EXPECT_EQ(filter_columns(orders, "((status)::text = 'customer_id'::text)"),
            std::vector<std::string>{"status"});
  EXPECT_EQ(filter_columns(orders, "(lower(status) = 'x')"), std::vector<std::string>{"status"});
  EXPECT_EQ(filter_columns(orders, "(x.id = o.customer_id)", "o"), std::vector<std::string>{"customer_id"});
  EXPECT_EQ(filter_columns(orders, "(\"customer_id\" = 1)"), std::vector<std::string>{"customer_id"});
}

TEST(PlanAnalysis, EvidenceRedactsLiterals) {
  EXPECT_EQ(model::redact_literals("((customer_id = 42) AND (status = 'it''s'::text) AND (t2.x > -1.5))"),
            "((customer_id = ?) AND (status = ?::text) AND (t2.x > -?))");
  EXPECT_EQ(model::redact_literals("(\"col 1\" = $1)"), "(\"col 1\" = $1)");
  model::PlanIssue issue;
  issue.table = "orders";
  issue.filter = "(email = 'a@b.c')";
  issue.analyzed = true;
  EXPECT_EQ(issue.describe().find("a@b.c"), std::string::npos);
  EXPECT_NE(issue.describe().find("(email = ?)"), std::string::npos);
}

} // namespace
} // namespace pgadvise::advisor
