// unused-suppression: the engine reports a pgadvise-ignore id that silenced
// nothing, but only for rules that ran and for unknown ids.
#include "app/lint/run_rules.hpp"
#include "engine/runner.hpp"
#include "model/type_ref.hpp"
#include "rules/rule_test_support.hpp"

#include <gtest/gtest.h>

namespace unused_suppression_test {

using namespace pgadvise;

// A table without a primary key, declared on line 3 of schema.sql.
model::Catalog keyless_table() {
  return pgadvise::test::catalog_of(
      {pgadvise::test::table("events", {pgadvise::test::column("id", "bigint", false, std::nullopt, 4)}, 3)});
}

std::vector<const core::Finding*> unused(const engine::RunReport& report) {
  std::vector<const core::Finding*> out;
  for (const core::Finding& f : report.findings) {
    if (f.rule == "unused-suppression") {
      out.push_back(&f);
    }
  }
  return out;
}

engine::RunReport run_with(const model::Catalog& catalog, const std::string& comment) {
  engine::RunInput input;
  input.catalog = &catalog;
  input.suppressions.add(core::make_suppression("schema.sql", 2, 3, 5, *core::parse_ignore(comment)));
  core::Settings settings;
  settings.min_severity = core::Severity::info;
  return app::run_rules(input, settings);
}

TEST(UnusedSuppression, UsedIdIsSilentAndTheOtherIsReportedAtTheComment) {
  const model::Catalog catalog = keyless_table();
  const auto report = run_with(catalog, "-- pgadvise-ignore missing-primary-key, duplicate-index -- legacy");
  EXPECT_EQ(report.suppressed, 1U);
  const auto found = unused(report);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0]->severity, core::Severity::low);
  EXPECT_EQ(found[0]->location.file, "schema.sql");
  EXPECT_EQ(found[0]->location.line, 2);
  EXPECT_NE(found[0]->message.find("duplicate-index"), std::string::npos);
  EXPECT_FALSE(found[0]->fingerprint.empty());
}

TEST(UnusedSuppression, UnknownIdIsReported) {
  const model::Catalog catalog = keyless_table();
  // unused() points into the report: keep it alive.
  const auto report = run_with(catalog, "-- pgadvise-ignore missing-primary-keys");
  const auto found = unused(report);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_NE(found[0]->message.find("names no rule"), std::string::npos);
}

TEST(UnusedSuppression, RuleThatDidNotRunIsNotReported) {
  const model::Catalog catalog = keyless_table();
  // n-plus-one needs a workload; without one it could not have found anything.
  const auto report = run_with(catalog, "-- pgadvise-ignore missing-primary-key, n-plus-one");
  EXPECT_TRUE(unused(report).empty());
}

TEST(UnusedSuppression, DisabledLikeAnyRule) {
  const model::Catalog catalog = keyless_table();
  engine::RunInput input;
  input.catalog = &catalog;
  input.suppressions.add(core::make_suppression(
      "schema.sql", 1, 1, 1, *core::parse_ignore("-- pgadvise-ignore-file duplicate-index")));
  core::Settings settings;
  EXPECT_EQ(unused(app::run_rules(input, settings)).size(), 1U);
  settings.disabled.emplace_back("unused-suppression");
  EXPECT_TRUE(unused(app::run_rules(input, settings)).empty());
}

} // namespace unused_suppression_test
