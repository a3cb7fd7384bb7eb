#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace update_or_delete_without_where_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "update-or-delete-without-where";

TEST(UpdateOrDeleteWithoutWhere, WholeTableWritesAreReported) {
  model::Workload workload;
  add_query(workload, "UPDATE posts SET body = 'x'", 1, 0, 4);
  add_query(workload, "DELETE FROM audit_log", 1, 0, 5);
  add_query(workload, "UPDATE app.jobs j SET state = 'x' FROM workers w", 1, 0, 6);
  const auto findings = run_workload_rule(k_rule, workload);
  EXPECT_EQ(objects(findings), (std::vector<std::string>{"public.posts", "public.audit_log", "app.jobs"}));
  ASSERT_EQ(findings.size(), 3U);
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  EXPECT_EQ(findings[1].location, log_line(5));
  // The literal of the statement is not printed.
  EXPECT_EQ(findings[0].message.find("'x'"), std::string::npos);
}

TEST(UpdateOrDeleteWithoutWhere, TargetedWritesAndOtherStatementsAreNot) {
  model::Workload workload;
  add_query(workload, "UPDATE posts SET body = 'x' WHERE id = 1");
  add_query(workload, "DELETE FROM audit_log WHERE at < now()");
  add_query(workload, "INSERT INTO audit_log (action) VALUES ('a')");
  add_query(workload, "SELECT id FROM posts");
  add_query(workload, "TRUNCATE audit_log");
  EXPECT_TRUE(run_workload_rule(k_rule, workload).empty());
}

} // namespace update_or_delete_without_where_test
