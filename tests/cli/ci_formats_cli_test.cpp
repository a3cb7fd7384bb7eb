// End-to-end tests of the CI output formats (`--format sarif|github|gitlab|
// junit`) and of the JSON report's schema, on the bundled app, every rule
// fixture, a log run and a real-sized generated migration history. The
// schemas are checked with python3-jsonschema (tests/support/validate_json.py).
#include "cli/process.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::lines_of;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;

namespace ci_formats_cli_test {

const fs::path k_source = PGADVISE_SOURCE_DIR;

// The SARIF 2.1.0 schema (OASIS, errata 01), committed so the check runs on
// every clone.
const fs::path k_sarif_schema = k_source / "tests" / "schemas" / "sarif-schema-2.1.0.json";

const fs::path k_report_schema = k_source / "src" / "reporters" / "pgadvise-report.schema.json";

// A drizzle-style migration history of `count` migrations, the size of a
// real product's: every table references the previous one, most foreign keys
// without an index, some text columns holding JSON, a few indexes.
void write_history(const fs::path& dir, int count) {
  fs::create_directories(dir / "drizzle");
  for (int i = 0; i < count; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "%04d_step_%d.sql", i, i);
    std::ofstream out(dir / "drizzle" / name);
    out << "CREATE TABLE \"t" << i << "\" (\n"
        << "\t\"id\" serial PRIMARY KEY NOT NULL,\n"
        << "\t\"name\" text NOT NULL,\n"
        << "\t\"payload\" text DEFAULT '{}',\n";
    if (i > 0) {
      out << "\t\"parent_id\" integer NOT NULL,\n";
    }
    out << "\t\"created_at\" timestamp DEFAULT now() NOT NULL\n);\n";
    if (i > 0) {
      out << "--> statement-breakpoint\n"
          << "ALTER TABLE \"t" << i << "\" ADD CONSTRAINT \"t" << i << "_parent_id_t" << i - 1
          << "_id_fk\" FOREIGN KEY (\"parent_id\") REFERENCES \"public\".\"t" << i - 1
          << "\"(\"id\") ON DELETE cascade ON UPDATE no action;\n";
      if (i % 4 == 0) {
        out << "--> statement-breakpoint\n"
            << "CREATE INDEX \"t" << i << "_parent_id_idx\" ON \"t" << i
            << "\" USING btree (\"parent_id\");\n";
      }
    }
    if (i % 10 == 5) {
      out << "--> statement-breakpoint\nCREATE TABLE \"loose" << i << "\" (\"value\" json);\n";
    }
  }
}

class CiFormats : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgadvise-ci-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_root = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }

  // pgadvise run from the source tree (paths in reports are relative to it).
  static ProcessResult pgadvise(const std::vector<std::string>& args, ProcessOptions options = {}) {
    if (options.cwd.empty()) {
      options.cwd = k_source.string();
    }
    return pgadvise::test::run_pgadvise(args, std::move(options));
  }

  // `pgadvise lint ARGS --format FORMAT`, which must exit 0 or 1 and write
  // something; the report is saved under the temp dir as NAME.
  fs::path lint_to_file(std::vector<std::string> args, const std::string& format, const std::string& name) {
    args.insert(args.begin(), "lint");
    args.insert(args.end(), {"--format", format});
    const ProcessResult result = pgadvise(args);
    EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << name << ": " << result.err;
    EXPECT_FALSE(result.out.empty()) << name;
    const fs::path path = m_root / name;
    std::ofstream(path, std::ios::binary) << result.out;
    return path;
  }

  // Runs the validator over files; every file must be valid.
  static void expect_valid(const fs::path& schema, const std::vector<fs::path>& files) {
    std::vector<std::string> args = {
        "python3", (k_source / "tests" / "support" / "validate_json.py").string(), schema.string()};
    for (const fs::path& file : files) {
      args.push_back(file.string());
    }
    const ProcessResult result = pgadvise::test::run_process("/usr/bin/env", args);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(lines_of(result.out).size(), files.size()) << result.out << result.err;
  }

  // Every input the formats are checked on: the bundled app, every rule
  // fixture, a log run, and a 187-migration history.
  std::vector<std::pair<std::string, std::vector<std::string>>> corpora() {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    out.push_back({"app", {"fixtures/drizzle-app"}});
    std::vector<fs::path> rule_fixtures;
    for (const auto& entry : fs::recursive_directory_iterator(k_source / "fixtures" / "rules")) {
      const std::string file = entry.path().filename().string();
      if (entry.is_regular_file() && entry.path().extension() == ".sql" && file.rfind("bad_", 0) == 0) {
        rule_fixtures.push_back(fs::relative(entry.path(), k_source));
      }
    }
    std::sort(rule_fixtures.begin(), rule_fixtures.end());
    for (const fs::path& fixture : rule_fixtures) {
      std::string name = fixture.parent_path().filename().string() + "-" + fixture.stem().string();
      out.push_back({name, {fixture.string()}});
    }
    out.push_back({"log", {"fixtures/drizzle-app", "--log", "fixtures/logs/stderr_debian.log"}});
    write_history(m_root / "history", 187);
    out.push_back({"history", {(m_root / "history").string()}});
    return out;
  }

  fs::path m_root;
};

TEST_F(CiFormats, EveryFixtureReportMatchesTheJsonSchemaAndSarifSchema) {
  const auto inputs = corpora();
  ASSERT_GT(inputs.size(), 10U);
  std::vector<fs::path> json_reports;
  std::vector<fs::path> sarif_reports;
  for (const auto& [name, args] : inputs) {
    json_reports.push_back(lint_to_file(args, "json", name + ".json"));
    sarif_reports.push_back(lint_to_file(args, "sarif", name + ".sarif"));
  }
  expect_valid(k_report_schema, json_reports);
  ASSERT_TRUE(fs::exists(k_sarif_schema)) << k_sarif_schema;
  expect_valid(k_sarif_schema, sarif_reports);
}

TEST_F(CiFormats, TheSchemaRejectsABrokenReport) {
  const fs::path good = lint_to_file({"fixtures/drizzle-app"}, "json", "good.json");
  json report = json::parse(read_text(good));
  report["findings"][0]["severity"] = "severe";
  report["summary"].erase("by_rule");
  std::ofstream(m_root / "bad.json") << report.dump();
  const ProcessResult result = pgadvise::test::run_process(
      "/usr/bin/env", {"python3", (k_source / "tests" / "support" / "validate_json.py").string(),
                       k_report_schema.string(), (m_root / "bad.json").string()});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("/findings/0/severity"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("'by_rule' is a required property"), std::string::npos) << result.out;
}

TEST_F(CiFormats, JsonCountsByRuleAndSeverityAndSummarizesTheInputs) {
  const json report = json::parse(read_text(lint_to_file(
      {"fixtures/drizzle-app", "--log", "fixtures/logs/stderr_debian.log"}, "json", "log.json")));
  std::map<std::string, int> by_rule;
  std::map<std::string, int> by_severity;
  for (const json& finding : report["findings"]) {
    ++by_rule[finding["rule"].get<std::string>()];
    ++by_severity[finding["severity"].get<std::string>()];
  }
  ASSERT_FALSE(by_rule.empty());
  EXPECT_EQ(report["summary"]["by_rule"].size(), by_rule.size());
  for (const auto& [rule, count] : by_rule) {
    EXPECT_EQ(report["summary"]["by_rule"][rule].get<int>(), count) << rule;
  }
  for (const auto& [severity, count] : by_severity) {
    EXPECT_EQ(report["summary"]["by_severity"][severity].get<int>(), count) << severity;
  }
  const json& summary = report["input_summary"];
  EXPECT_GE(summary["schema"]["tables"].get<int>(), 5);
  EXPECT_GE(summary["schema"]["foreign_keys"].get<int>(), 3);
  ASSERT_TRUE(summary["workload"].is_object()) << summary;
  EXPECT_EQ(summary["workload"]["bytes"].get<std::uint64_t>(),
            fs::file_size(k_source / "fixtures" / "logs" / "stderr_debian.log"));
  EXPECT_GT(summary["workload"]["lines"].get<int>(), 10);
  EXPECT_GT(summary["workload"]["statements"].get<int>(), 10);
  ASSERT_EQ(summary["workload"]["sources"].size(), 1U);
  EXPECT_FALSE(summary["live"].get<bool>());
  EXPECT_GE(summary["elapsed_ms"].get<double>(), 0.0);
}

TEST_F(CiFormats, SarifCarriesTheRegistryAndRepositoryRelativeLocations) {
  const json sarif = json::parse(read_text(lint_to_file({"fixtures/drizzle-app"}, "sarif", "app.sarif")));
  const json report = json::parse(read_text(lint_to_file({"fixtures/drizzle-app"}, "json", "app.json")));
  ASSERT_EQ(sarif["version"], "2.1.0");
  const json& run = sarif["runs"][0];
  const json& rules = run["tool"]["driver"]["rules"];
  const ProcessResult listed = pgadvise({"rules", "--format", "json"});
  EXPECT_GE(rules.size(), json::parse(listed.out)["rules"].size());
  std::set<std::string> ids;
  for (const json& rule : rules) {
    ids.insert(rule["id"].get<std::string>());
    EXPECT_FALSE(rule["fullDescription"]["text"].get<std::string>().empty()) << rule["id"];
    EXPECT_NE(rule["help"]["markdown"].get<std::string>().find("## How to fix"), std::string::npos)
        << rule["id"];
  }
  EXPECT_TRUE(ids.count("unindexed-foreign-key") == 1 && ids.count("parse-error") == 1);
  // The repository is this checkout: %SRCROOT% is its top level.
  const std::string base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].get<std::string>();
  EXPECT_EQ(base.rfind("file:///", 0), 0U) << base;
  EXPECT_EQ(base.back(), '/');
  const json& results = run["results"];
  ASSERT_EQ(results.size(), report["findings"].size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const json& result = results[i];
    const json& finding = report["findings"][i];
    EXPECT_EQ(result["ruleId"], finding["rule"]);
    EXPECT_EQ(rules[result["ruleIndex"].get<std::size_t>()]["id"], finding["rule"]);
    EXPECT_EQ(result["partialFingerprints"]["pgadvise/v1"], finding["fingerprint"]);
    const std::string severity = finding["severity"].get<std::string>();
    const std::string level = severity == "critical" || severity == "high" ? "error"
                              : severity == "medium"                       ? "warning"
                                                                           : "note";
    EXPECT_EQ(result["level"], level);
    if (finding["fix"].is_object() && finding["fix"]["ddl"].is_string()) {
      EXPECT_NE(result["message"]["text"].get<std::string>().find(finding["fix"]["ddl"].get<std::string>()),
                std::string::npos);
    }
    if (finding["location"].is_object()) {
      const json& artifact = result["locations"][0]["physicalLocation"]["artifactLocation"];
      EXPECT_EQ(artifact["uriBaseId"], "%SRCROOT%");
      EXPECT_EQ(artifact["uri"], finding["location"]["file"]); // run from the top level
      EXPECT_TRUE(fs::exists(k_source / artifact["uri"].get<std::string>()));
    }
  }
}

TEST_F(CiFormats, SarifOutsideARepositoryIsRelativeToTheLintPathAndNamesObjects) {
  write_history(m_root / "history", 187);
  const json sarif =
      json::parse(read_text(lint_to_file({(m_root / "history").string()}, "sarif", "h.sarif")));
  const json& run = sarif["runs"][0];
  EXPECT_EQ(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file://" + (m_root / "history").string() + "/");
  std::size_t fk_results = 0;
  for (const json& result : run["results"]) {
    const json& location = result["locations"][0];
    const std::string uri = location["physicalLocation"]["artifactLocation"]["uri"].get<std::string>();
    EXPECT_EQ(uri.rfind("drizzle/", 0), 0U) << uri;
    if (result["ruleId"] == "unindexed-foreign-key") {
      ++fk_results;
      EXPECT_EQ(location["logicalLocations"][0]["kind"], "column");
      EXPECT_EQ(location["logicalLocations"][0]["fullyQualifiedName"].get<std::string>().substr(0, 8),
                "public.t");
    }
  }
  EXPECT_EQ(fk_results, 186U - 186U / 4); // every 4th foreign key has its index
}

TEST_F(CiFormats, GithubAnnotatesEachFindingOnItsLineAndWritesTheStepSummary) {
  const json report = json::parse(read_text(lint_to_file({"fixtures/drizzle-app"}, "json", "app.json")));
  const fs::path summary = m_root / "step-summary.md";
  std::ofstream(summary) << "earlier step\n";
  ProcessOptions options;
  options.env["GITHUB_STEP_SUMMARY"] = summary.string();
  const ProcessResult result = pgadvise({"lint", "fixtures/drizzle-app", "--format", "github"}, options);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), report["findings"].size()) << result.out;
  const std::regex command(
      R"(^::(error|warning|notice) (file=[^,:]+,line=\d+(,col=\d+)?,)?title=[^:,]+::.+$)");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(std::regex_match(lines[i], command)) << lines[i];
    const json& finding = report["findings"][i];
    if (finding["location"].is_object()) {
      const std::string where = "file=" + finding["location"]["file"].get<std::string>() +
                                ",line=" + std::to_string(finding["location"]["line"].get<int>());
      EXPECT_NE(lines[i].find(where), std::string::npos) << lines[i];
    }
    EXPECT_NE(lines[i].find(finding["rule"].get<std::string>()), std::string::npos);
  }
  // The unindexed FK on memberships(user_id), at its declaration, with the fix.
  const std::string fk = "::error file=fixtures/drizzle-app/drizzle/0000_fast_thunderball.sql,line=50,col=32,"
                         "title=pgadvise unindexed-foreign-key (critical)::Foreign key memberships(user_id)";
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.rfind(fk, 0) == 0;
  })) << result.out;
  const std::string written = read_text(summary);
  EXPECT_EQ(written.rfind("earlier step\n### pgadvise: " + std::to_string(lines.size()) + " findings", 0), 0U)
      << written;
  EXPECT_NE(written.find("| critical | `unindexed-foreign-key` | "
                         "`fixtures/drizzle-app/drizzle/0000_fast_thunderball.sql:50` |"),
            std::string::npos)
      << written;
}

TEST_F(CiFormats, GithubAnnotatesTheLineOfANewForeignKeyInAGitRepository) {
  const fs::path repo = m_root / "repo";
  write_history(repo / "db", 187);
  ASSERT_EQ(pgadvise::test::run_process("/usr/bin/env", {"git", "init", "-q", repo.string()}).exit_code, 0);
  // A new migration: the foreign key is on line 5.
  std::ofstream(repo / "db" / "drizzle" / "0187_orders.sql")
      << "CREATE TABLE \"orders\" (\n\t\"id\" serial PRIMARY KEY NOT NULL,\n\t\"t1_id\" integer NOT "
         "NULL\n);\n"
      << "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_t1_id_t1_id_fk\" FOREIGN KEY (\"t1_id\") REFERENCES "
         "\"t1\"(\"id\");\n";
  ProcessOptions options;
  options.cwd = repo.string();
  const ProcessResult result = pgadvise({"lint", "db", "--format", "github"}, options);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  std::vector<std::string> orders;
  for (const std::string& line : lines_of(result.out)) {
    // Low findings on the new table (its serial key) are notices; the FK is the one error.
    if (line.find("0187_orders.sql") != std::string::npos && line.rfind("::error", 0) == 0) {
      orders.push_back(line);
    }
  }
  ASSERT_EQ(orders.size(), 1U) << result.out;
  EXPECT_EQ(orders[0].rfind("::error file=db/drizzle/0187_orders.sql,line=5,", 0), 0U) << orders[0];
}

TEST_F(CiFormats, GitlabCodeQualityIssuesHaveTheRequiredFields) {
  const auto check = [&](const std::vector<std::string>& args, const std::string& name) {
    const json report = json::parse(read_text(lint_to_file(args, "json", name + ".json")));
    const json issues = json::parse(read_text(lint_to_file(args, "gitlab", name + ".gitlab.json")));
    ASSERT_TRUE(issues.is_array());
    ASSERT_EQ(issues.size(), report["findings"].size());
    const std::set<std::string> severities = {"info", "minor", "major", "critical", "blocker"};
    for (std::size_t i = 0; i < issues.size(); ++i) {
      const json& issue = issues[i];
      EXPECT_EQ(issue["check_name"], report["findings"][i]["rule"]);
      EXPECT_EQ(issue["fingerprint"], report["findings"][i]["fingerprint"]);
      EXPECT_EQ(severities.count(issue["severity"].get<std::string>()), 1U) << issue;
      EXPECT_FALSE(issue["description"].get<std::string>().empty());
      EXPECT_FALSE(issue["location"]["path"].get<std::string>().empty());
      EXPECT_NE(issue["location"]["path"].get<std::string>().front(), '/') << issue;
      EXPECT_GE(issue["location"]["lines"]["begin"].get<int>(), 1);
      if (report["findings"][i]["severity"] == "critical") {
        EXPECT_EQ(issue["severity"], "blocker");
      }
    }
  };
  check({"fixtures/drizzle-app"}, "app");
  write_history(m_root / "history", 187);
  check({(m_root / "history").string()}, "history");
}

TEST_F(CiFormats, JunitHasOneFailingTestcasePerFinding) {
  const auto check = [&](const std::vector<std::string>& args, const std::string& name) {
    const json report = json::parse(read_text(lint_to_file(args, "json", name + ".json")));
    const fs::path xml = lint_to_file(args, "junit", name + ".xml");
    // Parsed by a real XML parser; prints failures, testcases, suites.
    const ProcessResult parsed = pgadvise::test::run_process(
        "/usr/bin/env",
        {"python3", "-c",
         "import sys, xml.etree.ElementTree as E\n"
         "r = E.parse(sys.argv[1]).getroot()\n"
         "assert r.tag == 'testsuites'\n"
         "print(len(r.findall('./testsuite/testcase/failure')), len(r.findall('./testsuite/testcase')),"
         " len(r.findall('./testsuite')), r.get('failures'))",
         xml.string()});
    ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
    std::istringstream counts(parsed.out);
    std::size_t failures = 0;
    std::size_t testcases = 0;
    std::size_t suites = 0;
    std::size_t declared = 0;
    counts >> failures >> testcases >> suites >> declared;
    EXPECT_EQ(failures, report["findings"].size());
    EXPECT_EQ(declared, failures);
    EXPECT_GE(suites, report["rules_run"].size());
    EXPECT_EQ(testcases, failures + (suites - report["summary"]["by_rule"].size()));
  };
  check({"fixtures/drizzle-app"}, "app");
  write_history(m_root / "history", 187);
  check({(m_root / "history").string()}, "history");
}

TEST_F(CiFormats, UnknownFormatIsAUsageError) {
  const ProcessResult result = pgadvise({"lint", "fixtures/drizzle-app", "--format", "checkstyle"});
  EXPECT_EQ(result.exit_code, 2);
}

} // namespace ci_formats_cli_test
