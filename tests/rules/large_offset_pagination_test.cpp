#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace large_offset_pagination_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "large-offset-pagination";

TEST(LargeOffsetPagination, LargestLoggedOffsetDecides) {
  model::Workload workload;
  const auto fp = add_query(workload, "SELECT id FROM posts ORDER BY id LIMIT 20 OFFSET 20", 3, 1.0, 6);
  EXPECT_TRUE(run_workload_rule(k_rule, workload).empty());
  workload.find(fp)->max_offset = 2000; // a later call went deep
  const auto findings = run_workload_rule(k_rule, workload);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings.front().object.to_string(), "public.posts");
  EXPECT_EQ(findings.front().location, log_line(6));
  EXPECT_TRUE(run_workload_rule(k_rule, workload, nullptr, {{"min-offset", "5000"}}).empty());
}

TEST(LargeOffsetPagination, LiteralOffsetOfTheExampleCounts) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM posts ORDER BY id LIMIT 20 OFFSET 1000");
  EXPECT_EQ(run_workload_rule(k_rule, workload).size(), 1U);
}

TEST(LargeOffsetPagination, NoOffsetOrUnknownOffsetIsNotReported) {
  model::Workload workload;
  add_query(workload, "SELECT id FROM posts WHERE id > $1 ORDER BY id LIMIT 20");
  add_query(workload, "SELECT id FROM posts ORDER BY id LIMIT 20 OFFSET $1");
  EXPECT_TRUE(run_workload_rule(k_rule, workload).empty());
}

} // namespace large_offset_pagination_test
