#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace rls_per_row_function_call_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "rls-per-row-function-call";

model::Policy policy(std::string name, std::string using_expr, std::string check_expr = {},
                     std::string command = "all", int line = 5) {
  model::Policy out;
  out.name = std::move(name);
  out.command = std::move(command);
  out.roles = {"authenticated"};
  out.using_expr = std::move(using_expr);
  out.check_expr = std::move(check_expr);
  out.location = at(line);
  return out;
}

model::Table todos(std::vector<model::Policy> policies) {
  model::Table out = table("todos", {column("id"), column("user_id", "uuid")}, 1);
  out.columns[1].set_property("userId");
  out.drizzle_config_param = "t";
  out.policies = std::move(policies);
  out.rls_enabled = true;
  return out;
}

TEST(RlsPerRowFunctionCall, ReportsADirectCallWithTheRewrittenPolicy) {
  const auto findings = run_rule(k_rule, catalog_of({todos({policy("own", "auth.uid() = user_id")})}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.todos own");
  EXPECT_EQ(findings[0].location.line, 5);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements(),
            "ALTER POLICY own ON todos USING ((select auth.uid()) = user_id);");
}

TEST(RlsPerRowFunctionCall, RewritesEveryCallInBothClauses) {
  const auto findings = run_rule(
      k_rule, catalog_of({todos({policy("p", "user_id = auth.uid() OR auth.jwt() ->> 'role' = 'admin'",
                                        "current_setting('app.tenant', true) <> ''")})}));
  ASSERT_EQ(findings.size(), 1U);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements(),
            "ALTER POLICY p ON todos USING (user_id = (select auth.uid()) OR (select auth.jwt()) ->> "
            "'role' = 'admin') WITH CHECK ((select current_setting('app.tenant', true)) <> '');");
  EXPECT_NE(findings[0].message.find("USING and WITH CHECK"), std::string::npos);
}

TEST(RlsPerRowFunctionCall, DrizzleLineUsesTheColumnProperty) {
  model::Project project;
  project.uses_drizzle = true;
  const auto findings = run_rule(
      k_rule, catalog_of({todos({policy("own", "auth.uid() = user_id", {}, "select")})}), {}, &project);
  ASSERT_EQ(findings.size(), 1U);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->code_text(),
            "pgPolicy(\"own\", { as: \"permissive\", for: \"select\", to: \"authenticated\", using: "
            "sql`(select auth.uid()) = ${t.userId}` }),");
}

TEST(RlsPerRowFunctionCall, WrappedCallsAndOtherFunctionsAreClean) {
  const auto findings = run_rule(
      k_rule,
      catalog_of({todos({policy("a", "(SELECT auth.uid()) = user_id"),
                         policy("b", "user_id IN (SELECT member FROM teams WHERE owner = auth.uid())"),
                         policy("c", "lower(user_id::text) = 'x'"), policy("d", "", "true"),
                         policy("e", "uid() = user_id")})}));
  EXPECT_TRUE(findings.empty()) << objects(findings).size();
}

TEST(RlsPerRowFunctionCall, TextThatDoesNotParseIsNotReported) {
  EXPECT_TRUE(run_rule(k_rule, catalog_of({todos({policy("x", "auth.uid( = user_id")})})).empty());
}

// Policies apply only once row-level security is enabled on the table (as
// splinter's auth_rls_initplan lint sees it): before that no call runs. A
// table a lone migration file only alters was in use before the file, with
// row-level security perhaps enabled: its policies are judged.
TEST(RlsPerRowFunctionCall, PoliciesOfATableWithoutRowLevelSecurityCostNothingYet) {
  model::Table off = todos({policy("own", "auth.uid() = user_id")});
  off.rls_enabled = false;
  EXPECT_TRUE(run_rule(k_rule, catalog_of({off})).empty());
  off.assumed = true;
  EXPECT_EQ(run_rule(k_rule, catalog_of({off})).size(), 1U);
}

} // namespace rls_per_row_function_call_test
