#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace select_star_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "select-star";

TEST(SelectStar, StarAndQualifiedStarAreReported) {
  model::Workload workload;
  add_query(workload, "SELECT * FROM users WHERE id = 1", 1, 0, 2);
  add_query(workload, "SELECT p.* FROM posts p WHERE p.user_id = 2", 1, 0, 3);
  const auto findings = run_workload_rule(k_rule, workload);
  EXPECT_EQ(objects(findings), (std::vector<std::string>{"public.users", "public.posts"}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].severity, core::Severity::low);
  EXPECT_EQ(findings[1].location, log_line(3));
}

TEST(SelectStar, CountStarSubqueryStarAndExplicitColumnsAreNot) {
  model::Workload workload;
  add_query(workload, "SELECT count(*) FROM users");
  add_query(workload,
            "SELECT id FROM users WHERE EXISTS (SELECT * FROM posts WHERE posts.user_id = users.id)");
  add_query(workload, "SELECT id, email FROM users");
  add_query(workload, "INSERT INTO archive SELECT * FROM posts");
  EXPECT_TRUE(run_workload_rule(k_rule, workload).empty());
}

} // namespace select_star_test
