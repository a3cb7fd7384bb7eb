#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace multiple_permissive_policies_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "multiple-permissive-policies";

model::Policy policy(std::string name, std::string command, std::vector<std::string> roles,
                     std::string using_expr, bool permissive = true) {
  model::Policy out;
  out.name = std::move(name);
  out.command = std::move(command);
  out.roles = std::move(roles);
  out.using_expr = std::move(using_expr);
  out.permissive = permissive;
  out.location = at(3);
  return out;
}

model::Table posts(std::vector<model::Policy> policies) {
  model::Table out =
      table("posts", {column("id"), column("author_id", "uuid"), column("published", "bool")}, 1);
  out.policies = std::move(policies);
  out.rls_enabled = true;
  return out;
}

TEST(MultiplePermissivePolicies, TwoSelectPoliciesForOneRoleMergeWithOr) {
  const auto findings =
      run_rule(k_rule, catalog_of({posts({policy("a", "select", {"authenticated"}, "published"),
                                          policy("b", "select", {"authenticated"}, "author_id = x")})}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.posts a, b");
  EXPECT_NE(findings[0].message.find("authenticated on SELECT"), std::string::npos) << findings[0].message;
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements(),
            "BEGIN;\nDROP POLICY a ON posts;\nDROP POLICY b ON posts;\n"
            "CREATE POLICY a_or_b ON posts AS PERMISSIVE FOR SELECT TO authenticated "
            "USING ((published) OR (author_id = x));\nCOMMIT;");
}

TEST(MultiplePermissivePolicies, AllAndPublicOverlapEveryActionAndRole) {
  const auto findings =
      run_rule(k_rule, catalog_of({posts({policy("read", "select", {}, "true"),
                                          policy("own", "all", {"authenticated"}, "author_id = x")})}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].message.find("authenticated on SELECT"), std::string::npos) << findings[0].message;
  EXPECT_EQ(findings[0].message.find("UPDATE"), std::string::npos) << findings[0].message;
  EXPECT_FALSE(findings[0].fix.has_value()); // different commands: the split is the user's decision
}

TEST(MultiplePermissivePolicies, DifferentRolesCommandsOrRestrictiveAreClean) {
  const auto findings = run_rule(
      k_rule, catalog_of({posts({policy("a", "select", {"authenticated"}, "published"),
                                 policy("b", "select", {"anon"}, "published"),
                                 policy("c", "insert", {"authenticated"}, ""),
                                 policy("d", "select", {"authenticated"}, "author_id = x", false)})}));
  EXPECT_TRUE(findings.empty()) << objects(findings).size();
}

TEST(MultiplePermissivePolicies, PoliciesOfATableWithoutRowLevelSecurityAreNotApplied) {
  model::Table off = posts({policy("a", "select", {"authenticated"}, "published"),
                            policy("b", "select", {"authenticated"}, "author_id = x")});
  off.rls_enabled = false;
  EXPECT_TRUE(run_rule(k_rule, catalog_of({off})).empty());
  off.assumed = true; // a lone file's table, in use before it: RLS may be on
  EXPECT_EQ(run_rule(k_rule, catalog_of({off})).size(), 1U);
}

} // namespace multiple_permissive_policies_test
