// End-to-end tests of the pgadvise binary: exit codes, streams, output files
// and color handling, as a CI job or a user's shell sees them.
#include "cli/process.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "rules/registry.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::findings_of;
using pgadvise::test::parse_report;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;
using pgadvise::test::run_pgadvise;

namespace cli_test {

constexpr std::string_view k_fk_schema =
    "CREATE TABLE a (id int primary key); CREATE TABLE b (id int primary key, a_id int references a(id));\n";

class Cli : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgadvise-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_root = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }

  // A fresh directory holding one file.
  fs::path project_with(std::string_view file_name, std::string_view contents) {
    const fs::path dir = m_root / ("project" + std::to_string(++m_projects));
    fs::create_directories(dir);
    std::ofstream(dir / file_name) << contents;
    return dir;
  }

  fs::path m_root;
  int m_projects = 0;
};

bool has_escape(const std::string& text) {
  return text.find('\x1b') != std::string::npos;
}

TEST_F(Cli, HelpExitsZero) {
  const ProcessResult top = run_pgadvise({"--help"});
  EXPECT_EQ(top.exit_code, 0) << top.err;
  EXPECT_NE(top.out.find("lint"), std::string::npos);
  EXPECT_NE(top.out.find("rules"), std::string::npos);

  const ProcessResult lint = run_pgadvise({"lint", "--help"});
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_NE(lint.out.find("--fail-on"), std::string::npos);
  EXPECT_NE(lint.out.find("--format"), std::string::npos);
}

TEST_F(Cli, VersionExitsZero) {
  const ProcessResult result = run_pgadvise({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find(PGADVISE_VERSION), std::string::npos);
}

TEST_F(Cli, UnknownOptionIsUsageError) {
  const ProcessResult top = run_pgadvise({"--no-such-option"});
  EXPECT_EQ(top.exit_code, 2);
  EXPECT_NE(top.err.find("--no-such-option"), std::string::npos) << top.err;

  const ProcessResult lint = run_pgadvise({"lint", "--no-such-option", m_root.string()});
  EXPECT_EQ(lint.exit_code, 2);
  EXPECT_NE(lint.err.find("--no-such-option"), std::string::npos) << lint.err;
}

TEST_F(Cli, LintOnMissingPathNamesIt) {
  const std::string missing = (m_root / "does-not-exist").string();
  const ProcessResult result = run_pgadvise({"lint", missing});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(missing), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST_F(Cli, LintOnEmptyDirectoryFindsNoSchema) {
  const fs::path empty = m_root / "empty";
  fs::create_directories(empty);
  const ProcessResult result = run_pgadvise({"lint", empty.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no schema found"), std::string::npos) << result.err;
}

TEST_F(Cli, BadFailOnIsUsageError) {
  const fs::path dir = project_with("schema.sql", k_fk_schema);
  const ProcessResult result = run_pgadvise({"lint", "--fail-on", "bogus", dir.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("bogus"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST_F(Cli, UnknownRuleIsUsageError) {
  const fs::path dir = project_with("schema.sql", k_fk_schema);
  const ProcessResult result = run_pgadvise({"lint", "--rule", "unknown-rule", dir.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown-rule"), std::string::npos) << result.err;
}

TEST_F(Cli, RulesListsEveryRegisteredId) {
  const ProcessResult text = run_pgadvise({"rules"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const auto& rule : pgadvise::rules::all_rules()) {
    EXPECT_NE(text.out.find(rule->meta().id), std::string::npos) << rule->meta().id;
  }
  for (const auto& diagnostic : pgadvise::engine::builtin_diagnostics()) {
    EXPECT_NE(text.out.find(diagnostic.id), std::string::npos) << diagnostic.id;
  }

  const ProcessResult as_json = run_pgadvise({"rules", "--format", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json listed = parse_report(as_json.out);
  ASSERT_TRUE(listed.is_object() && listed.contains("rules")) << as_json.out;
  std::vector<std::string> ids;
  for (const json& rule : listed["rules"]) {
    ids.push_back(rule.at("id").get<std::string>());
  }
  std::vector<std::string> registered;
  for (const auto& rule : pgadvise::rules::all_rules()) {
    registered.push_back(rule->meta().id);
  }
  EXPECT_EQ(ids, registered);
}

TEST_F(Cli, RulesShowPrintsThePage) {
  const ProcessResult result = run_pgadvise({"rules", "show", "parse-error"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("parse-error"), std::string::npos) << result.out;
}

TEST_F(Cli, RulesShowUnknownIsUsageError) {
  const ProcessResult result = run_pgadvise({"rules", "show", "nope"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("nope"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST_F(Cli, UnindexedForeignKeyFailsTheRun) {
  const fs::path dir = project_with("schema.sql", k_fk_schema);
  const ProcessResult result = run_pgadvise({"lint", "--format", "json", dir.string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  json report = parse_report(result.out);
  ASSERT_TRUE(report.is_object()) << result.out;
  const std::vector<json> fks = findings_of(report, "unindexed-foreign-key");
  ASSERT_EQ(fks.size(), 1U) << result.out;
  EXPECT_EQ(fks[0]["severity"], "critical");
  EXPECT_EQ(fks[0]["object"]["table"], "b");
  EXPECT_EQ(fks[0]["object"]["columns"], json::array({"a_id"}));
  ASSERT_TRUE(fks[0]["location"].is_object()) << fks[0];
  EXPECT_EQ(fs::path(fks[0]["location"]["file"].get<std::string>()).filename(), "schema.sql");
  EXPECT_EQ(fks[0]["location"]["line"], 1);
  EXPECT_EQ(report["schema"]["source"], "sql");
  EXPECT_EQ(report["summary"]["by_severity"]["critical"], 1);
}

TEST_F(Cli, FailOnNoneExitsZeroWithTheSameFindings) {
  const fs::path dir = project_with("schema.sql", k_fk_schema);
  const ProcessResult result = run_pgadvise({"lint", "--fail-on", "none", "--format", "json", dir.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(findings_of(parse_report(result.out), "unindexed-foreign-key").size(), 1U) << result.out;
}

TEST_F(Cli, CleanSchemaExitsZero) {
  const fs::path dir = project_with("schema.sql", "CREATE TABLE a (id int primary key);\n");
  const ProcessResult result = run_pgadvise({"lint", "--format", "json", dir.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err << result.out;
  json report = parse_report(result.out);
  ASSERT_TRUE(report.is_object()) << result.out;
  EXPECT_EQ(report["version"], 1);
  EXPECT_EQ(report["summary"]["total"], 0);
  EXPECT_TRUE(report["findings"].is_array());
}

TEST_F(Cli, TextReportNamesTheFindingAndSummarizes) {
  const fs::path dir = project_with("schema.sql", k_fk_schema);
  const ProcessResult result = run_pgadvise({"lint", dir.string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("schema.sql:1:"), std::string::npos) << result.out; // file:line:col
  EXPECT_NE(result.out.find("critical  unindexed-foreign-key  "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("1 critical"), std::string::npos) << result.out;
}

TEST_F(Cli, OutputFileGetsTheReport) {
  const fs::path dir = project_with("schema.sql", k_fk_schema);
  const fs::path report_path = m_root / "report.json";
  const ProcessResult result =
      run_pgadvise({"lint", "--format", "json", "--output", report_path.string(), dir.string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
  ASSERT_TRUE(fs::exists(report_path)) << "no report written to " << report_path;
  const std::string text = pgadvise::test::read_text(report_path);
  EXPECT_EQ(findings_of(parse_report(text), "unindexed-foreign-key").size(), 1U) << text;

  const ProcessResult unwritable =
      run_pgadvise({"lint", "--output", (m_root / "no-dir" / "report.txt").string(), dir.string()});
  EXPECT_EQ(unwritable.exit_code, 2);
  EXPECT_NE(unwritable.err.find("no-dir"), std::string::npos) << unwritable.err;
}

TEST_F(Cli, PipedOutputHasEscapesOnlyWhenForced) {
  const fs::path dir = project_with("schema.sql", k_fk_schema);
  const ProcessResult automatic = run_pgadvise({"lint", "--color", "auto", dir.string()});
  EXPECT_EQ(automatic.exit_code, 1) << automatic.err;
  EXPECT_FALSE(has_escape(automatic.out)) << automatic.out;
  EXPECT_FALSE(has_escape(run_pgadvise({"lint", "--color", "never", dir.string()}).out));

  const ProcessResult forced = run_pgadvise({"lint", "--color", "always", dir.string()});
  EXPECT_NE(forced.out.find("\x1b[1;31mcritical\x1b[0m"), std::string::npos) << forced.out;
  // An explicit --color always wins over NO_COLOR (https://no-color.org).
  ProcessOptions no_color;
  no_color.env["NO_COLOR"] = "1";
  EXPECT_TRUE(has_escape(run_pgadvise({"lint", "--color", "always", dir.string()}, no_color).out));
  // JSON is never colored.
  EXPECT_FALSE(has_escape(run_pgadvise({"lint", "--color", "always", "--format", "json", dir.string()}).out));
}

TEST_F(Cli, TerminalOutputIsColoredUnlessNoColor) {
  const fs::path dir = project_with("schema.sql", k_fk_schema);
  ProcessOptions tty;
  tty.tty = true;
  const ProcessResult colored = run_pgadvise({"lint", dir.string()}, tty);
  EXPECT_EQ(colored.exit_code, 1) << colored.out;
  EXPECT_NE(colored.out.find("\x1b[1;31mcritical\x1b[0m"), std::string::npos) << colored.out;

  tty.env["NO_COLOR"] = "1";
  const ProcessResult plain = run_pgadvise({"lint", "--color", "auto", dir.string()}, tty);
  EXPECT_EQ(plain.exit_code, 1) << plain.out;
  EXPECT_NE(plain.out.find("unindexed-foreign-key"), std::string::npos) << plain.out;
  EXPECT_FALSE(has_escape(plain.out)) << plain.out;

  // NO_COLOR set but empty does not count (https://no-color.org).
  tty.env["NO_COLOR"] = "";
  EXPECT_TRUE(has_escape(run_pgadvise({"lint", dir.string()}, tty).out));
}

} // namespace cli_test
