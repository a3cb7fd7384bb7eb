// A run whose every rule spills its findings (engine::RunInput::spill_from
// = 1: the report keeps them in the file as records, core::FindingList)
// writes the same reports, every format, as the run that holds them all:
// admission, sorting, consolidation, the lens and the writers read the
// records and the findings read back.

#include "app/lint/lint_run.hpp"
#include "reporters/formats.hpp"
#include "support/paths.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <regex>
#include <sstream>
#include <string>

namespace spilled_report_test {

using namespace pgadvise;

struct Written {
  std::string report;
  bool spilled = false; // the findings stayed in the spill file to the writer
};

Written report(const std::string& fixture, const reporters::OutputFormat& format, bool spill_all) {
  app::LintOptions options;
  options.paths = {(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / fixture).string()};
  options.format = &format;
  options.color = app::ColorMode::never;
  options.fail_on = core::FailOn{std::nullopt};
  app::LintRun run;
  std::ostringstream err;
  EXPECT_FALSE(app::plan_lint(options, run, err));
  EXPECT_FALSE(app::read_lint_inputs(run, err));
  run.input.spill_from = spill_all ? 1 : engine::RunInput{}.spill_from;
  EXPECT_FALSE(app::check_lint_inputs(run, err));
  EXPECT_FALSE(app::select_findings(run, err));
  const bool spilled = run.report.findings.spilled(); // until here: the text writers read it back whole
  std::ostringstream out;
  app::write_lint_report(run, out, err);
  return {std::regex_replace(out.str(), std::regex(R"("elapsed_ms": [0-9.e+-]+)"), "\"elapsed_ms\": 0"),
          spilled};
}

// The migration steps are the lock rules' alone once --verify-locks is
// off: a lint run drops them after the rules ran (before the findings are
// read back), and the lock rules' findings are there all the same.
TEST(SpilledReport, TheMigrationStepsGoOnceTheRulesRan) {
  app::LintOptions options;
  options.paths = {(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / "big-history").string()};
  options.format = &reporters::output_formats().front();
  options.fail_on = core::FailOn{std::nullopt};
  app::LintRun run;
  std::ostringstream err;
  ASSERT_FALSE(app::plan_lint(options, run, err));
  ASSERT_FALSE(app::read_lint_inputs(run, err));
  EXPECT_FALSE(run.load.catalog.migration_steps.empty());
  run.input.spill_from = 1;
  ASSERT_FALSE(app::check_lint_inputs(run, err));
  EXPECT_TRUE(run.load.catalog.migration_steps.empty());
  bool lock_finding = false;
  for (std::size_t i = 0; i < run.report.findings.size(); ++i) {
    lock_finding = lock_finding || run.report.findings.rule(i) == "lock-timeout-missing";
  }
  EXPECT_TRUE(lock_finding);
}

TEST(SpilledReport, EveryFormatIsTheSameWhenEveryRuleSpills) {
  // Plain SQL migrations (the lens summarizes the older ones' convention
  // findings), Drizzle apps (their fixes completed a finding at a time,
  // the completed ones written back to the file): the list stays in the
  // file to the writer.
  for (const std::string fixture : {"sql", "big-history", "drizzle-app"}) {
    for (const reporters::OutputFormat& format : reporters::output_formats()) {
      const Written held = report(fixture, format, false);
      const Written spilled = report(fixture, format, true);
      EXPECT_EQ(spilled.report, held.report) << fixture << ", " << format.name;
      EXPECT_FALSE(held.report.empty()) << fixture << ", " << format.name;
      EXPECT_FALSE(held.spilled);
      EXPECT_TRUE(spilled.spilled) << fixture << ", " << format.name;
    }
  }
}

} // namespace spilled_report_test
