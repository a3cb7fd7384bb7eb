// Every registered rule, and every built-in diagnostic, against its
// fixtures in fixtures/rules/<id>/, through the one fixture driver
// (tests/support/rule_fixtures.hpp): each bad_ fixture must give exactly the
// findings its .expected snapshot shows, each good_ one nothing. Rules whose fixtures need a live database
// run against the throwaway test cluster (their test fails, never skips, without it).
// PGADVISE_UPDATE_FIXTURES=1 rewrites the snapshots.

#include "engine/builtin_diagnostics.hpp"
#include "rules/registry.hpp"
#include "support/pg_cluster.hpp"
#include "support/rule_fixtures.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace rule_fixtures_test {

using namespace pgadvise;

// Every rule; one alone in a rule's own test binary (scripts/test.sh --rule).
std::vector<std::string> rule_ids(bool cluster) {
  std::vector<std::string> out;
  for (const auto& rule : rules::all_rules()) {
#ifdef PGADVISE_ONLY_RULE
    if (rule->meta().id != PGADVISE_ONLY_RULE) {
      continue;
    }
#endif
    if (test_support::needs_cluster(rule->meta().id) == cluster) {
      out.push_back(rule->meta().id);
    }
  }
#ifndef PGADVISE_ONLY_RULE
  for (const engine::BuiltinDiagnostic& diagnostic : engine::builtin_diagnostics()) {
    if (test_support::needs_cluster(diagnostic.id) == cluster) {
      out.emplace_back(diagnostic.id);
    }
  }
#endif
  return out;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

class RuleFixtures : public testing::TestWithParam<std::string> {};

TEST_P(RuleFixtures, MatchTheirSnapshots) {
  test_support::check_rule_fixtures(GetParam());
}

// A rule's own binary holds one of the two suites only.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RuleFixtures);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LiveRuleFixtures);

INSTANTIATE_TEST_SUITE_P(Files, RuleFixtures, testing::ValuesIn(rule_ids(false)), test_name);

class LiveRuleFixtures : public test_support::ClusterTest, public testing::WithParamInterface<std::string> {};

TEST_P(LiveRuleFixtures, MatchTheirSnapshots) {
  test_support::check_rule_fixtures(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Database, LiveRuleFixtures, testing::ValuesIn(rule_ids(true)), test_name);

} // namespace rule_fixtures_test
