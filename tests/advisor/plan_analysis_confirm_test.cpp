#include "advisor/live_advisor_support.hpp"
#include "advisor/live_analysis_run.hpp"
#include "advisor/plan_analysis_confirm.hpp"

#include <gtest/gtest.h>

namespace pgadvise::advisor {
namespace {

core::Finding finding(std::string rule, std::string table, std::string column, core::Severity severity) {
  core::Finding out;
  out.rule = std::move(rule);
  out.severity = severity;
  out.message = "m";
  out.object.schema = "public";
  out.object.table = std::move(table);
  out.object.columns = {std::move(column)};
  return out;
}

model::PlanIssue issue(std::uint64_t fingerprint, std::string table, std::string column, double share) {
  model::PlanIssue out;
  out.fingerprint = fingerprint;
  out.schema = "public";
  out.table = std::move(table);
  out.columns = {std::move(column)};
  out.analyzed = true;
  out.time_share = share;
  out.node_ms = 10;
  return out;
}

TEST(ConfirmFindings, MarksProvenFindingsAndRanksThemByMeasuredCost) {
  model::Workload workload;
  const auto cheap = test_support::add_query(workload, "SELECT 1 FROM a WHERE x = 1", 10, 100).fingerprint;
  const auto costly = test_support::add_query(workload, "SELECT 1 FROM b WHERE y = 1", 10, 5000).fingerprint;
  model::LiveAnalysis live;
  live.issues = {issue(cheap, "a", "x", 0.9), issue(costly, "b", "y", 0.9)};
  std::vector<core::Finding> findings = {
      finding("unindexed-foreign-key", "z", "q", core::Severity::high),      // no plan: unchanged
      finding("filter-on-unindexed-column", "a", "x", core::Severity::high), // 90 ms
      finding("unindexed-foreign-key", "b", "y", core::Severity::high),      // 4.5 s
      finding("select-star", "b", "y", core::Severity::high),                // not a confirmable rule
      finding("unindexed-foreign-key", "a", "x", core::Severity::critical)};
  EXPECT_EQ(confirm_findings(findings, live, &workload, test_support::confirmed_by_plan), 3U);
  ASSERT_EQ(findings.size(), 5U);
  EXPECT_EQ(findings[0].severity, core::Severity::critical) << "severity still comes first";
  EXPECT_EQ(findings[1].object.table, "b");
  EXPECT_EQ(findings[1].rule, "unindexed-foreign-key");
  EXPECT_EQ(findings[2].object.table, "a");
  EXPECT_EQ(findings[3].object.table, "z");
  EXPECT_EQ(findings[4].rule, "select-star");
  EXPECT_NE(findings[1].message.find("confirmed by EXPLAIN ANALYZE"), std::string::npos);
  EXPECT_EQ(findings[1].evidence.back().kind, core::Evidence::Kind::plan);
  EXPECT_EQ(findings[3].message, "m");
  EXPECT_TRUE(findings[4].evidence.empty());
}

TEST(ConfirmFindings, EstimatesDoNotConfirm) {
  model::LiveAnalysis live;
  live.issues = {issue(1, "a", "x", 0)};
  live.issues.front().analyzed = false;
  std::vector<core::Finding> findings = {finding("unindexed-foreign-key", "a", "x", core::Severity::high)};
  EXPECT_EQ(confirm_findings(findings, live, nullptr, test_support::confirmed_by_plan), 0U);
  EXPECT_EQ(findings.front().message, "m");
}

TEST(LoggedPlans, AutoExplainJsonPlansBecomeExplainedQueries) {
  model::Workload workload;
  const auto fingerprint =
      test_support::add_query(workload, "SELECT * FROM t WHERE a = 1", 3, 30).fingerprint;
  model::LoggedPlan json_plan;
  json_plan.fingerprint = fingerprint;
  json_plan.format = model::PlanFormat::json;
  json_plan.plan = R"json({"Query Text": "SELECT * FROM t WHERE a = 1", "Plan": {"Node Type": "Seq Scan",
      "Relation Name": "t", "Actual Rows": 1, "Actual Loops": 1, "Filter": "(a = 1)", "Rows Removed by Filter": 99999}})json";
  model::LoggedPlan text_plan = json_plan;
  text_plan.format = model::PlanFormat::text;
  model::LoggedPlan broken = json_plan;
  broken.plan = "{";
  workload.plans = {json_plan, text_plan, broken};
  const auto plans = logged_plans(workload);
  ASSERT_EQ(plans.size(), 1U);
  EXPECT_EQ(plans.front().mode, model::ExplainMode::logged);
  EXPECT_EQ(plans.front().fingerprint, fingerprint);
  ASSERT_TRUE(plans.front().plan.has_value());
  EXPECT_DOUBLE_EQ(plans.front().plan->root.rows_removed_by_filter, 99999);
}

TEST(QueriesToExplain, CostliestParsedStatementsFirst) {
  model::Workload workload;
  test_support::add_query(workload, "SELECT 1 FROM a", 1, 10);
  test_support::add_query(workload, "BEGIN", 100, 1000);
  test_support::add_query(workload, "SELECT 2 FROM b", 1, 500);
  test_support::add_query(workload, "VACUUM a", 1, 9000);
  const auto chosen = queries_to_explain(workload, 5);
  ASSERT_EQ(chosen.size(), 2U);
  EXPECT_EQ(chosen[0]->normalized, "SELECT $1 FROM b");
  EXPECT_EQ(queries_to_explain(workload, 1).size(), 1U);
}

} // namespace
} // namespace pgadvise::advisor
