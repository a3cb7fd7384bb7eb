// The runner as rules see it: options and severities from Settings reach
// the rules, suppressions and filters apply to their findings.

#include "app/lint/run_rules.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "model/type_ref.hpp"
#include "rules/registry.hpp"
#include "rules/rule_test_support.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace runner_test {

using namespace pgadvise;

// One table without a primary key and a `metadata text` column: a
// missing-primary-key finding (medium) and a json-in-text-column hint (low).
model::Catalog sample_catalog() {
  return pgadvise::test::catalog_of({pgadvise::test::table(
      "events", {pgadvise::test::column("metadata", "text", false, std::nullopt, 4)}, 3)});
}

std::vector<std::string> rules_of(const engine::RunReport& report) {
  std::vector<std::string> out;
  for (const auto& f : report.findings) {
    out.push_back(f.rule);
  }
  return out;
}

core::Settings only(std::vector<std::string> rules) {
  core::Settings settings;
  settings.only_rules = std::move(rules);
  settings.min_severity = core::Severity::info;
  return settings;
}

TEST(Runner, RuleOptionsFromSettingsReachTheRule) {
  const model::Catalog catalog = sample_catalog();
  engine::RunInput input;
  input.catalog = &catalog;
  core::Settings settings = only({"json-in-text-column"});
  EXPECT_EQ(rules_of(app::run_rules(input, settings)), std::vector<std::string>{"json-in-text-column"});
  settings.rule_options["json-in-text-column"]["name-hints"] = "false";
  EXPECT_TRUE(app::run_rules(input, settings).findings.empty());
}

TEST(Runner, SeverityOverrideAndFloorApplyToRuleFindings) {
  const model::Catalog catalog = sample_catalog();
  engine::RunInput input;
  input.catalog = &catalog;
  core::Settings settings = only({"json-in-text-column", "missing-primary-key"});
  settings.min_severity = core::Severity::medium;
  auto report = app::run_rules(input, settings);
  EXPECT_EQ(rules_of(report), std::vector<std::string>{"missing-primary-key"});
  EXPECT_EQ(report.hidden, 1U); // the low hint

  settings.severity_overrides["missing-primary-key"] = core::Severity::critical;
  report = app::run_rules(input, settings);
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].severity, core::Severity::critical);
  settings.fail_on = core::Severity::critical;
  EXPECT_EQ(engine::exit_code_for(report, settings), 1);
}

TEST(Runner, SuppressionsMatchRuleAndLines) {
  const model::Catalog catalog = sample_catalog();
  engine::RunInput input;
  input.catalog = &catalog;
  input.suppressions.add(core::Suppression{"schema.sql", 3, 5, {"json-in-text-column"}});
  const auto report = app::run_rules(input, only({"json-in-text-column", "missing-primary-key"}));
  EXPECT_EQ(rules_of(report), std::vector<std::string>{"missing-primary-key"});
  EXPECT_EQ(report.suppressed, 1U);
}

TEST(Runner, DisabledAndInputlessRulesAreSkippedWithAReason) {
  const model::Catalog catalog = sample_catalog();
  engine::RunInput input;
  input.catalog = &catalog;
  core::Settings settings;
  settings.disabled = {"missing-primary-key"};
  const auto report = app::run_rules(input, settings);
  EXPECT_EQ(std::count(report.skipped.begin(), report.skipped.end(), "missing-primary-key: disabled"), 1);
  EXPECT_EQ(std::count(report.rules_run.begin(), report.rules_run.end(), "missing-primary-key"), 0);

  engine::RunInput empty;
  const auto none = app::run_rules(empty, core::Settings{});
  EXPECT_TRUE(none.findings.empty());
  EXPECT_EQ(std::count(none.skipped.begin(), none.skipped.end(), "unindexed-foreign-key: no schema found"),
            1);
}

} // namespace runner_test
