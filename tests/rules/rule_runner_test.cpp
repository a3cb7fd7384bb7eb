// The tests' one rule runner (support/rule_runner.hpp) must not let a typo
// pass: an id no rule has, or an option the rule does not declare, fails
// the test instead of giving "no findings".

#include "rule_test_support.hpp"
#include "support/rule_runner.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace rule_runner_test {

using namespace pgadvise;
using namespace pgadvise::test;

TEST(RuleRunner, AnUnknownIdFailsTheTest) {
  const model::Catalog catalog = catalog_of({table("events", {column("id")})});
  EXPECT_NONFATAL_FAILURE(run_rule("missing-primary-kye", catalog), "no registered rule has the id");
}

TEST(RuleRunner, AnUndeclaredOptionFailsTheTest) {
  const model::Catalog catalog = catalog_of({table("events", {column("id")})});
  EXPECT_NONFATAL_FAILURE(run_rule("missing-primary-key", catalog, {{"no-such-option", "1"}}),
                          "has no option no-such-option");
}

TEST(RuleRunner, DefaultsAndTheRulesSeverityApply) {
  // A table without a primary key: the rule's finding, at its default severity.
  const engine::Rule* rule = rules::find_rule("missing-primary-key");
  ASSERT_NE(rule, nullptr);
  const auto findings = run_rule("missing-primary-key", catalog_of({table("events", {column("id")}, 3)}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, rule->meta().default_severity);
  EXPECT_EQ(findings[0].object.to_string(), "public.events");
}

} // namespace rule_runner_test
