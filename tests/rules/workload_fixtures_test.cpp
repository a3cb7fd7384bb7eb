// Fixture-driven tests of the rules that read a query workload: for every
// registered rule, each fixtures/rules/<id>/bad_*.log (server log) or
// bad_*.pgss.csv / .pgss.json (pg_stat_statements export) is read with the
// real readers (loaders::read_logs / read_pgss), the directory's optional
// schema.sql is replayed as the catalog, and the rule's findings must equal
// bad_*.expected; each good_* input must give no finding of that rule.
// The logs are real PostgreSQL 15 output, made by
// fixtures/rules/regenerate_workload_fixtures.sh.
//
// .expected format (as in fixtures_test.cpp), one finding per line:
//   LINE:COL rule-id severity object
// Rule options for one input go in <input stem>.options, `name=value` lines.
// PGADVISE_UPDATE_EXPECTED=1 rewrites the .expected files (review the diff).

#include "core/text.hpp"
#include "rules/registry.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "loaders/logs/reader.hpp"
#include "loaders/schema_load.hpp"
#include "loaders/sql/migrations.hpp"
#include "pg/parser.hpp"
#include "support/fixture_files.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace pgadvise;
using test_support::expected_lines;
using test_support::finding_lines;
using test_support::fixture_options;
using test_support::read_file;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "rules";

bool is_pgss(const fs::path& path) {
  return path.filename().string().find(".pgss.") != std::string::npos;
}

bool is_workload_input(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".log" || (is_pgss(path) && (ext == ".csv" || ext == ".json"));
}

std::vector<fs::path> inputs(const std::string& id, const std::string& prefix) {
  std::vector<fs::path> out;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(k_fixtures / id, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.is_regular_file() && is_workload_input(entry.path())) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, std::string> options_for(fs::path input) {
  std::map<std::string, std::string> out;
  input.replace_extension(".options");
  std::istringstream lines(read_file(input));
  std::string line;
  while (std::getline(lines, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos && core::trim(line).front() != '#') {
      out[std::string(core::trim(line.substr(0, eq)))] = std::string(core::trim(line.substr(eq + 1)));
    }
  }
  return out;
}

struct FixtureRun {
  loaders::SchemaLoad schema;
  loaders::LogReadResult read;
  engine::RunReport report;
};

void run_fixture(const engine::Rule& rule, const fs::path& input, FixtureRun& out) {
  const fs::path schema = input.parent_path() / "schema.sql";
  if (fs::is_regular_file(schema)) {
    loaders::replay_sql(read_file(schema), "schema.sql", out.schema);
  }
  out.read = is_pgss(input) ? loaders::read_pgss(input.string()) : loaders::read_logs({input.string()});

  core::Settings settings;
  settings.only_rules = {rule.meta().id};
  settings.min_severity = core::Severity::info;
  settings.fail_on = std::nullopt;
  settings.rule_options[rule.meta().id] = options_for(input);

  engine::RunInput run_input;
  run_input.catalog = out.schema.catalog.tables.empty() ? nullptr : &out.schema.catalog;
  run_input.workload = &out.read.workload;
  out.report = engine::run(run_input, settings, {&rule});
}

void expect_clean_inputs(const FixtureRun& run) {
  EXPECT_TRUE(run.read.usable);
  EXPECT_FALSE(run.read.workload.empty());
  for (const core::Finding& diagnostic : run.schema.diagnostics) {
    ADD_FAILURE() << "schema.sql: " << diagnostic.rule << " at " << diagnostic.location.to_string() << ": "
                  << diagnostic.message;
  }
}

// Every finding points at the input (or, for a column, the schema), has a
// fingerprint, a fix when the rule proposes one (whose SQL parses), and
// never prints a literal value of the logged statements.
void expect_well_formed(const engine::Rule& rule, const FixtureRun& run, const fs::path& input) {
  for (const core::Finding& finding : run.report.findings) {
    SCOPED_TRACE(finding.message);
    EXPECT_FALSE(finding.fingerprint.empty());
    EXPECT_GT(finding.location.line, 0);
    const std::string file = fs::path(finding.location.file).filename().string();
    EXPECT_TRUE(file == input.filename().string() || file == "schema.sql") << finding.location.to_string();
    EXPECT_EQ(finding.fix.has_value(), rule.meta().has_fix);
    if (finding.fix && !finding.fix->ddl.empty()) {
      const auto parsed = pg::parse(finding.fix->ddl);
      EXPECT_TRUE(parsed.ok()) << finding.fix->ddl;
    }
    for (const std::string& secret :
         {std::string("@example.com'"), std::string("'login'"), std::string("'pro'")}) {
      EXPECT_EQ(finding.message.find(secret), std::string::npos);
      for (const core::Evidence& evidence : finding.evidence) {
        EXPECT_EQ(evidence.detail.find(secret), std::string::npos) << evidence.detail;
      }
    }
  }
}

std::vector<std::string> workload_rule_ids() {
  std::vector<std::string> out;
  for (const auto& rule : rules::all_rules()) {
    if (!inputs(rule->meta().id, "bad_").empty() || !inputs(rule->meta().id, "good_").empty()) {
      out.push_back(rule->meta().id);
    }
  }
  return out;
}

class WorkloadFixtures : public testing::TestWithParam<std::string> {};

TEST_P(WorkloadFixtures, BadInputsGiveExactlyTheExpectedFindings) {
  const engine::Rule* rule = rules::find_rule(GetParam());
  ASSERT_NE(rule, nullptr);
  const bool update = std::getenv("PGADVISE_UPDATE_EXPECTED") != nullptr;
  for (const fs::path& path : inputs(GetParam(), "bad_")) {
    SCOPED_TRACE(path.filename().string());
    FixtureRun run;
    run_fixture(*rule, path, run);
    expect_clean_inputs(run);
    const std::vector<std::string> actual = finding_lines(run.report.findings);
    fs::path expected_path = path;
    expected_path.replace_extension(".expected");
    if (update) {
      std::ofstream out(expected_path, std::ios::binary);
      for (const std::string& line : actual) {
        out << line << "\n";
      }
      continue;
    }
    EXPECT_FALSE(actual.empty()) << "a bad_ fixture must produce at least one finding";
    EXPECT_EQ(actual, expected_lines(expected_path));
    expect_well_formed(*rule, run, path);
  }
}

TEST_P(WorkloadFixtures, GoodInputsGiveNoFinding) {
  const engine::Rule* rule = rules::find_rule(GetParam());
  ASSERT_NE(rule, nullptr);
  for (const fs::path& path : inputs(GetParam(), "good_")) {
    SCOPED_TRACE(path.filename().string());
    FixtureRun run;
    run_fixture(*rule, path, run);
    expect_clean_inputs(run);
    EXPECT_EQ(finding_lines(run.report.findings), std::vector<std::string>{});
  }
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Registered, WorkloadFixtures, testing::ValuesIn(workload_rule_ids()), test_name);

} // namespace
