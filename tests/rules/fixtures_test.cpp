// Fixture-driven rule tests: for every registered schema rule (inputs:
// catalog only; rules reading other inputs need their own driver:
// workload_fixtures_test.cpp runs the .log / .pgss.csv inputs), each
// fixtures/rules/<id>/bad_*.sql is replayed with the SQL loader and the
// rule's findings must equal bad_*.expected; each good_*.sql must give no
// finding of that rule. Fixtures go through the real loader and runner, so
// `-- pgadvise-ignore` comments and rule options are honoured.
//
// .expected format, one finding per line, sorted by line, column, object:
//   LINE:COL rule-id severity object
// where object is core::ObjectRef::to_string(). Blank lines and lines
// starting with '#' are ignored.
//
// A fixture may set rule options with `-- fixture-option: name=value` lines.
// PGADVISE_UPDATE_EXPECTED=1 rewrites the .expected files from the current
// output (review the diff before keeping it).

#include "core/text.hpp"
#include "rules/registry.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
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

std::vector<fs::path> fixtures(const std::string& id, const std::string& prefix) {
  std::vector<fs::path> out;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(k_fixtures / id, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".sql") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Replayed {
  loaders::SchemaLoad load;
  engine::RunReport report;
};

// Replays one fixture and runs `rule` over it with every finding shown.
Replayed replay_and_run(const engine::Rule& rule, const fs::path& path) {
  Replayed out;
  const std::string sql = read_file(path);
  loaders::replay_sql(sql, path.filename().string(), out.load);

  core::Settings settings;
  settings.only_rules = {rule.meta().id};
  settings.min_severity = core::Severity::info;
  settings.fail_on = std::nullopt;
  settings.rule_options[rule.meta().id] = fixture_options(sql);

  engine::RunInput input;
  input.catalog = &out.load.catalog;
  input.suppressions = out.load.suppressions;
  out.report = engine::run(input, settings, {&rule});
  return out;
}

// The fixture must replay cleanly, or the findings test the loader's
// recovery rather than the rule.
void expect_clean_replay(const Replayed& replayed, const fs::path& path) {
  ASSERT_FALSE(replayed.load.catalog.tables.empty())
      << path.filename() << ": the SQL replay produced no tables (is loaders::replay_sql implemented?)";
  for (const core::Finding& diagnostic : replayed.load.diagnostics) {
    ADD_FAILURE() << path.filename() << ": " << diagnostic.rule << " at " << diagnostic.location.to_string()
                  << ": " << diagnostic.message;
  }
}

// A rule that declares a fix proposes one on every finding, and its DDL
// parses (it is printed for people to run); a rule without one proposes none.
void expect_fixes_match_meta(const engine::Rule& rule, const std::vector<core::Finding>& findings) {
  for (const core::Finding& finding : findings) {
    EXPECT_EQ(finding.fix.has_value(), rule.meta().has_fix) << finding.object.to_string();
    EXPECT_FALSE(finding.fingerprint.empty());
    EXPECT_TRUE(finding.location.known()) << finding.object.to_string();
    if (finding.fix && !finding.fix->ddl.empty()) {
      const auto parsed = pg::parse(finding.fix->ddl);
      EXPECT_TRUE(parsed.ok()) << finding.fix->ddl << ": " << (parsed.error ? parsed.error->message : "");
    }
  }
}

// Rules that see nothing but the catalog: their fixtures are SQL.
std::vector<std::string> schema_rule_ids() {
  std::vector<std::string> out;
  for (const auto& rule : rules::all_rules()) {
    if (rule->meta().inputs == std::vector<engine::Input>{engine::Input::catalog}) {
      out.push_back(rule->meta().id);
    }
  }
  return out;
}

class RuleFixtures : public testing::TestWithParam<std::string> {};

TEST_P(RuleFixtures, BadFixturesGiveExactlyTheExpectedFindings) {
  const engine::Rule* rule = rules::find_rule(GetParam());
  ASSERT_NE(rule, nullptr);
  const auto bad = fixtures(GetParam(), "bad_");
  ASSERT_FALSE(bad.empty());
  const bool update = std::getenv("PGADVISE_UPDATE_EXPECTED") != nullptr;
  for (const fs::path& path : bad) {
    SCOPED_TRACE(path.filename().string());
    const Replayed replayed = replay_and_run(*rule, path);
    expect_clean_replay(replayed, path);
    const std::vector<std::string> actual = finding_lines(replayed.report.findings);
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
    expect_fixes_match_meta(*rule, replayed.report.findings);
  }
}

TEST_P(RuleFixtures, GoodFixturesGiveNoFinding) {
  const engine::Rule* rule = rules::find_rule(GetParam());
  ASSERT_NE(rule, nullptr);
  const auto good = fixtures(GetParam(), "good_");
  ASSERT_FALSE(good.empty());
  for (const fs::path& path : good) {
    SCOPED_TRACE(path.filename().string());
    const Replayed replayed = replay_and_run(*rule, path);
    expect_clean_replay(replayed, path);
    EXPECT_EQ(finding_lines(replayed.report.findings), std::vector<std::string>{});
  }
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Registered, RuleFixtures, testing::ValuesIn(schema_rule_ids()), test_name);

} // namespace
