// `pgadvise fix` applies safe fixes by default, unsafe ones only with
// --unsafe-fixes, manual ones never (issue 46), and says what it left out.
#include "app/fix/fix.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <string>
#include <vector>

namespace fix_applicability_test {

using namespace pgadvise;

// A finding of `rule` with a fix as the runner gives it: the rule's own applicability.
core::Finding finding_of(const engine::Rule& rule) {
  core::Finding finding;
  finding.rule = rule.meta().id;
  core::Fix fix;
  fix.sql().ddl = "-- the rule's fix";
  fix.applicability = rule.meta().fix_applicability.value_or(core::FixApplicability::unsafe);
  finding.fix = fix;
  return finding;
}

bool holds(const std::vector<core::Finding>& findings, const std::string& rule) {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const core::Finding& f) { return f.rule == rule; });
}

// Whatever rule: without the flag only the safe fixes are planned; with it
// the unsafe ones join; a manual fix never does.
TEST(FixApplicability, NoRulesUnsafeFixIsAppliedWithoutTheFlag) {
  std::vector<core::Finding> findings;
  for (const auto& rule : rules::all_rules()) {
    if (rule->meta().has_fix) {
      findings.push_back(finding_of(*rule));
    }
  }
  ASSERT_GT(findings.size(), 40U);
  const app::FixSelection plain = app::select_fixes(findings, false);
  const app::FixSelection flagged = app::select_fixes(findings, true);
  for (const core::Finding& finding : findings) {
    SCOPED_TRACE(finding.rule);
    switch (finding.fix->applicability) {
    case core::FixApplicability::safe:
      EXPECT_TRUE(holds(plain.applied, finding.rule));
      EXPECT_TRUE(holds(flagged.applied, finding.rule));
      break;
    case core::FixApplicability::unsafe:
      EXPECT_FALSE(holds(plain.applied, finding.rule));
      EXPECT_TRUE(holds(plain.unsafe, finding.rule));
      EXPECT_TRUE(holds(flagged.applied, finding.rule));
      break;
    case core::FixApplicability::manual:
      EXPECT_FALSE(holds(plain.applied, finding.rule));
      EXPECT_FALSE(holds(flagged.applied, finding.rule));
      EXPECT_TRUE(holds(flagged.manual, finding.rule));
      break;
    }
  }
  EXPECT_TRUE(holds(plain.applied, "unindexed-foreign-key"));
  EXPECT_FALSE(holds(plain.applied, "json-column-not-jsonb"));
  EXPECT_FALSE(holds(plain.applied, "duplicate-index"));
  EXPECT_FALSE(holds(flagged.applied, "query-in-loop"));
}

// The header: counts by kind and rule, and the flag; what --unsafe-fixes
// cannot write either is said apart, and a --rule that named unsafe fixes
// hears that it did.
TEST(FixApplicability, TheHeaderCountsWhatWasLeftOutAndNamesTheFlag) {
  std::vector<core::Finding> findings;
  for (const char* id : {"json-column-not-jsonb", "json-column-not-jsonb", "duplicate-index",
                         "not-valid-constraint", "query-in-loop", "unindexed-foreign-key"}) {
    findings.push_back(finding_of(*rules::find_rule(id)));
  }
  findings[1].fix->sql().ddl = "-- another column's fix";
  // The first column again, as a second drizzle.config over the same
  // schema file reports it: one edit, counted once.
  findings.push_back(findings[0]);
  findings.back().location.file = "apps/web/drizzle.config.ts";
  const app::FixSelection selection = app::select_fixes(findings, false);
  const std::map<std::string, std::size_t> written = {
      {"json-column-not-jsonb", 2}, {"duplicate-index", 1}, {"not-valid-constraint", 0}};
  const std::vector<std::string> lines = app::left_out_lines(selection, written, false);
  ASSERT_EQ(lines.size(), 3U) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0].rfind("left out: 3 unsafe fixes (json-column-not-jsonb 2, duplicate-index 1)", 0), 0U)
      << lines[0];
  EXPECT_NE(lines[0].find("--unsafe-fixes applies them"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("1 unsafe fix (not-valid-constraint 1)"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("does not write even with --unsafe-fixes"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("1 manual fix (query-in-loop 1)"), std::string::npos) << lines[2];

  const std::vector<std::string> asked = app::left_out_lines(selection, written, true);
  EXPECT_EQ(asked[0].rfind("not applied: the 3 unsafe fixes", 0), 0U) << asked[0];
  EXPECT_NE(asked[0].find("you asked for"), std::string::npos) << asked[0];

  EXPECT_TRUE(app::left_out_lines(app::select_fixes(findings, true), written, false).size() == 1U);
}

} // namespace fix_applicability_test
