// `pgadvise lint --timings`: where a run's time and memory went, by stage,
// as a table on stderr and as the JSON report's `timings` object. Tested
// for its shape (which stages, in which order, what each row holds), never
// for its numbers.

#include "app/lint/lint.hpp"
#include "app/lint/lint_options.hpp"
#include "cli/process.hpp"
#include "core/stage_timings.hpp"
#include "reporters/formats.hpp"
#include "support/files.hpp"
#include "support/paths.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace timings_test {

using namespace pgadvise;
namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_source = PGADVISE_SOURCE_DIR;

const reporters::OutputFormat& format_named(const std::string& name) {
  for (const reporters::OutputFormat& format : reporters::output_formats()) {
    if (format.name == name) {
      return format;
    }
  }
  ADD_FAILURE() << "no format " << name;
  return reporters::output_formats().front();
}

struct Run {
  std::string out;
  std::string err;
};

// `pgadvise lint fixtures/drizzle-app [--log LOG] --format FORMAT [--timings]`, in-process.
Run lint(const std::string& format, bool timings, const std::string& log = {}) {
  app::LintOptions options;
  options.paths = {(k_source / "fixtures" / "drizzle-app").string()};
  options.format = &format_named(format);
  options.color = app::ColorMode::never;
  options.fail_on = core::FailOn{std::nullopt};
  options.timings = timings;
  if (!log.empty()) {
    options.workload.logs = {(k_source / "fixtures" / "logs" / log).string()};
  }
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(app::run_lint(options, out, err), 0) << err.str();
  return {out.str(), err.str()};
}

// The table's rows: the first word(s) of each line after the header, up to the numbers.
std::vector<std::string> row_labels(const std::string& err) {
  std::vector<std::string> labels;
  std::istringstream lines(err.substr(err.find("(--timings)")));
  std::string line;
  std::getline(lines, line); // the header
  while (std::getline(lines, line)) {
    if (line.rfind("  ", 0) != 0) {
      break;
    }
    const std::size_t end = line.find("  ", 2);
    labels.push_back(line.substr(2, end - 2));
  }
  return labels;
}

TEST(Timings, TheTableOnStderrHasARowPerStageThenOtherAndTotal) {
  const auto run = lint("text", true);
  ASSERT_NE(run.err.find("pgadvise: where the time and memory went (--timings)"), std::string::npos)
      << run.err;
  EXPECT_EQ(row_labels(run.err),
            (std::vector<std::string>{"stage", "discovery", "typescript scan", "schema replay", "logs",
                                      "rules", "report", "other", "total"}))
      << run.err;
  // No --log: the logs row says it did not run; the ones that ran have numbers.
  std::istringstream lines(run.err);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("  logs ", 0) == 0) {
      EXPECT_EQ(line.find_first_of("0123456789"), std::string::npos) << line;
    }
    if (line.rfind("  discovery ", 0) == 0 || line.rfind("  total ", 0) == 0) {
      EXPECT_NE(line.find('.'), std::string::npos) << line;
    }
  }
  EXPECT_FALSE(run.out.empty()); // the report itself still goes to stdout
  EXPECT_EQ(run.out.find("(--timings)"), std::string::npos);
}

TEST(Timings, WithoutTheFlagNothingIsSaidAndTheJsonHasNoTimings) {
  const auto text = lint("text", false);
  EXPECT_EQ(text.err.find("--timings"), std::string::npos) << text.err;
  const json report = json::parse(lint("json", false).out);
  EXPECT_FALSE(report.contains("timings"));
}

TEST(Timings, TheJsonReportNamesEachStageThatRanInOrder) {
  const auto run = lint("json", true, "stderr_debian.log");
  const json report = json::parse(run.out);
  ASSERT_TRUE(report.contains("timings")) << run.out.substr(0, 500);
  const json& timings = report["timings"];
  std::vector<std::string> stages;
  double summed = 0;
  for (const json& stage : timings["stages"]) {
    stages.push_back(stage["stage"].get<std::string>());
    for (const char* field : {"wall_ms", "cpu_ms", "peak_rss_growth_mb", "peak_rss_mb"}) {
      ASSERT_TRUE(stage[field].is_number()) << stage;
      EXPECT_GE(stage[field].get<double>(), 0.0) << stage;
    }
    summed += stage["wall_ms"].get<double>();
  }
  // The report's own stage is counted until the JSON began.
  EXPECT_EQ(stages, (std::vector<std::string>{"discovery", "typescript scan", "schema replay", "logs",
                                              "rules", "report"}));
  for (const char* field : {"wall_ms", "cpu_ms", "peak_rss_mb"}) {
    ASSERT_TRUE(timings[field].is_number()) << timings;
  }
  EXPECT_LE(summed, timings["wall_ms"].get<double>() + 1.0); // the stages' times are not counted twice
  EXPECT_GT(timings["peak_rss_mb"].get<double>(), 0.0);
  EXPECT_NE(run.err.find("  logs "), std::string::npos) << run.err; // and the table, on stderr
}

TEST(Timings, TheJsonWithTimingsMatchesTheReportSchema) {
  const test::TempTree dir;
  const fs::path file = dir.root() / "report.json";
  std::ofstream(file, std::ios::binary) << lint("json", true).out;
  const test::ProcessResult result = test::run_process(
      "/usr/bin/env",
      {"python3", (k_source / "tests" / "support" / "validate_json.py").string(),
       (k_source / "src" / "reporters" / "pgadvise-report.schema.json").string(), file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

// A stage begun inside another has its time taken out of the outer one;
// with no recorder current, a timer does nothing.
TEST(Timings, ANestedStageIsChargedToItselfNotTheOneAroundIt) {
  const core::StageTimer nowhere(core::Stage::rules); // no recorder yet: a no-op
  core::StageTimings timings;
  {
    const core::StageTimings::Current current(timings);
    const core::StageTimer discovery(core::Stage::discovery);
    const core::StageTimer scan(core::Stage::typescript_scan);
  }
  const core::TimingsSnapshot snapshot = timings.snapshot();
  EXPECT_TRUE(snapshot.of(core::Stage::discovery).ran);
  EXPECT_TRUE(snapshot.of(core::Stage::typescript_scan).ran);
  EXPECT_FALSE(snapshot.of(core::Stage::rules).ran);
  EXPECT_LE(snapshot.of(core::Stage::discovery).wall_ms + snapshot.of(core::Stage::typescript_scan).wall_ms,
            snapshot.wall_ms);
  EXPECT_EQ(core::StageTimings::current(), nullptr);
}

} // namespace timings_test
