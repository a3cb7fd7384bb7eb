#include "pg/plan_json.hpp"

#include <gtest/gtest.h>

namespace pgadvise::pg {
using namespace model; // NOLINT(google-build-using-namespace)
namespace {

// EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) output of PostgreSQL 15, trimmed.
constexpr std::string_view k_analyzed = R"json([
  {
    "Plan": {
      "Node Type": "Gather", "Parallel Aware": false, "Startup Cost": 1000.0, "Total Cost": 5765.1,
      "Plan Rows": 15, "Plan Width": 14, "Actual Startup Time": 0.5, "Actual Total Time": 21.3,
      "Actual Rows": 16, "Actual Loops": 1, "Workers Planned": 1, "Workers Launched": 1,
      "Shared Hit Blocks": 2440, "Shared Read Blocks": 0,
      "Plans": [
        {
          "Node Type": "Seq Scan", "Parent Relationship": "Outer", "Parallel Aware": true,
          "Relation Name": "orders", "Alias": "orders", "Startup Cost": 0.0, "Total Cost": 4763.6,
          "Plan Rows": 9, "Actual Startup Time": 3.1, "Actual Total Time": 18.4, "Actual Rows": 8,
          "Actual Loops": 2, "Filter": "(customer_id = 4242)", "Rows Removed by Filter": 149992,
          "Shared Hit Blocks": 2440, "Shared Read Blocks": 10
        }
      ]
    },
    "Planning Time": 0.2,
    "Execution Time": 21.5
  }
])json";

TEST(Plan, ParsesExplainAnalyzeJson) {
  auto plan = parse_plan_json(k_analyzed);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_TRUE(plan->analyzed());
  EXPECT_DOUBLE_EQ(plan->total_cost(), 5765.1);
  ASSERT_TRUE(plan->execution_ms.has_value());
  EXPECT_DOUBLE_EQ(*plan->execution_ms, 21.5);
  ASSERT_EQ(plan->root.children.size(), 1U);
  const PlanNode& scan = plan->root.children.front();
  EXPECT_EQ(scan.node_type, "Seq Scan");
  EXPECT_EQ(scan.relation, "orders");
  EXPECT_EQ(scan.parent_relationship, "Outer");
  EXPECT_EQ(scan.filter, "(customer_id = 4242)");
  EXPECT_DOUBLE_EQ(scan.rows_removed_by_filter, 149992);
  EXPECT_DOUBLE_EQ(scan.loops, 2);
  EXPECT_TRUE(scan.parallel_aware);
  EXPECT_DOUBLE_EQ(scan.total_rows(), 16);
  EXPECT_DOUBLE_EQ(scan.total_ms(), 18.4) << "parallel processes overlap: no multiplication by loops";
  ASSERT_TRUE(scan.buffers.has_value());
  EXPECT_EQ(scan.buffers->shared_total(), 2450);
}

TEST(Plan, ParsesAutoExplainObjectAndPlainExplain) {
  auto logged =
      parse_plan_json(R"({"Query Text": "select 1", "Plan": {"Node Type": "Result", "Total Cost": 0.01}})");
  ASSERT_TRUE(logged.ok());
  EXPECT_EQ(logged->root.node_type, "Result");
  EXPECT_FALSE(logged->analyzed());
  EXPECT_FALSE(logged->execution_ms.has_value());
}

TEST(Plan, RejectsWhatIsNotAPlan) {
  EXPECT_FALSE(parse_plan_json("").ok());
  EXPECT_FALSE(parse_plan_json("[]").ok());
  EXPECT_FALSE(parse_plan_json("{\"Plan\": 3}").ok());
  EXPECT_FALSE(parse_plan_json("[{\"Planning Time\": 1}]").ok());
  EXPECT_FALSE(parse_plan_json("[{\"Plan\": {\"Plans\": [1]}}]").ok());
  // Deep nesting is refused, not recursed into without bound.
  std::string deep = "{\"Plan\": ";
  for (int i = 0; i < 1500; ++i) {
    deep += "{\"Node Type\": \"X\", \"Plans\": [";
  }
  deep += "{}";
  for (int i = 0; i < 1500; ++i) {
    deep += "]}";
  }
  deep += "}";
  EXPECT_FALSE(parse_plan_json(deep).ok());
}

TEST(Plan, IndexesUsedListsIndexNodes) {
  auto plan = parse_plan_json(R"([{"Plan": {"Node Type": "Bitmap Heap Scan", "Relation Name": "t", "Plans": [
      {"Node Type": "Bitmap Index Scan", "Index Name": "t_a_idx"}]}}])");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(indexes_used(*plan), std::vector<std::string>{"t_a_idx"});
}

} // namespace
} // namespace pgadvise::pg
