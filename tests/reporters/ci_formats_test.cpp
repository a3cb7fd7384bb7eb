// The CI formats on the hand-built sample run: escaping, level mapping,
// paths relative to the repository, findings without a file.
#include "reporters/ci_output.hpp"
#include "reporters/report.hpp"
#include "reporters/sample_report.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pgadvise;
using nlohmann::json;
using pgadvise::test::lines_of;

namespace ci_formats_test {

// A run of one finding (its fingerprint computed, as the runner does).
engine::RunReport run_of(std::string rule, core::Severity severity, std::string message,
                         core::SourceLocation location = {}) {
  core::Finding finding;
  finding.rule = std::move(rule);
  finding.severity = severity;
  finding.message = std::move(message);
  finding.location = std::move(location);
  finding.compute_fingerprint();
  engine::RunReport run;
  run.findings.push_back(finding);
  return run;
}

// The sample's files are relative to the working directory: it is their
// repository unless a test says otherwise.
reporters::ReportInput input_for(const engine::RunReport& run,
                                 const std::string& root = std::filesystem::current_path().string()) {
  reporters::ReportInput input = test::sample_input(run);
  input.repo_root = root;
  input.rules = {{.id = "json-in-text-column",
                  .summary = "JSON in text",
                  .severity = core::Severity::high,
                  .category = engine::Category::schema},
                 {.id = "unindexed-foreign-key",
                  .summary = "FK without index",
                  .severity = core::Severity::critical,
                  .category = engine::Category::schema,
                  .has_fix = true},
                 {.id = "parse-error",
                  .summary = "could not parse",
                  .severity = core::Severity::high,
                  .category = engine::Category::input}};
  return input;
}

TEST(CiOutput, PathsAreRelativeToTheRepositoryRoot) {
  EXPECT_EQ(reporters::repo_relative("/repo/db/0001.sql", "/repo"), "db/0001.sql");
  EXPECT_EQ(reporters::repo_relative("/repo/./db/../db/0001.sql", "/repo/"), "db/0001.sql");
  EXPECT_EQ(reporters::repo_relative("/elsewhere/x.sql", "/repo"), "/elsewhere/x.sql");
  EXPECT_EQ(reporters::repo_relative("db/x.sql", ""), "db/x.sql");
}

TEST(CiOutput, SeveritiesMapToThreeLevels) {
  EXPECT_EQ(reporters::sarif_level(core::Severity::critical), "error");
  EXPECT_EQ(reporters::sarif_level(core::Severity::high), "error");
  EXPECT_EQ(reporters::sarif_level(core::Severity::medium), "warning");
  EXPECT_EQ(reporters::sarif_level(core::Severity::low), "note");
  EXPECT_EQ(reporters::sarif_level(core::Severity::info), "note");
}

TEST(GithubReporter, EscapesDataAndProperties) {
  engine::RunReport run = run_of("parse-error", core::Severity::medium, "100% wrong\r\nat a:b, c",
                                 core::SourceLocation{"/repo/db/a,b:c.sql", 3, 0});
  reporters::ReportInput input = input_for(run, "/repo");
  std::ostringstream out;
  reporters::write_github(out, input);
  EXPECT_EQ(out.str(), "::warning file=db/a%2Cb%3Ac.sql,line=3,title=pgadvise parse-error (medium)::100%25 "
                       "wrong%0D%0Aat a:b, c\n");
}

TEST(GithubReporter, OneCommandPerFindingWithItsLevel) {
  const engine::RunReport run = test::sample_run();
  std::ostringstream out;
  reporters::write_github(out, input_for(run));
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), run.findings.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const core::Finding& finding = run.findings[i];
    const std::string level = reporters::level_of(finding.severity) == reporters::Level::error     ? "error"
                              : reporters::level_of(finding.severity) == reporters::Level::warning ? "warning"
                                                                                                   : "notice";
    EXPECT_EQ(lines[i].rfind("::" + level + " ", 0), 0U) << lines[i];
    if (finding.location.known()) {
      EXPECT_NE(
          lines[i].find("file=" + finding.location.file + ",line=" + std::to_string(finding.location.line)),
          std::string::npos)
          << lines[i];
    } else {
      EXPECT_EQ(lines[i].find("file="), std::string::npos) << lines[i];
    }
  }
}

TEST(GithubReporter, SummaryTableEscapesPipes) {
  engine::RunReport run = run_of("select-star", core::Severity::low, "SELECT a | b");
  std::ostringstream out;
  reporters::write_github_summary(out, input_for(run));
  EXPECT_NE(out.str().find("| low | `select-star` |  | SELECT a \\| b |"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().rfind("### pgadvise: 1 finding\n", 0), 0U) << out.str();
}

TEST(SarifReporter, ResultsPointIntoTheRepositoryOrNameTheObject) {
  const engine::RunReport run = test::sample_run();
  std::ostringstream out;
  reporters::write_sarif(out, input_for(run));
  const json sarif = json::parse(out.str());
  const json& result_run = sarif["runs"][0];
  EXPECT_EQ(result_run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            test::file_url(std::filesystem::current_path()) + "/");
  ASSERT_EQ(result_run["results"].size(), run.findings.size());
  bool saw_logical_only = false;
  for (std::size_t i = 0; i < run.findings.size(); ++i) {
    const json& result = result_run["results"][i];
    const core::Finding& finding = run.findings[i];
    EXPECT_EQ(result["partialFingerprints"]["pgadvise/v1"], finding.fingerprint);
    if (finding.rule == "push-in-production") {
      EXPECT_FALSE(result.contains("ruleIndex")); // not in the rules given
      EXPECT_FALSE(result.contains("locations"));
      continue;
    }
    EXPECT_EQ(result_run["tool"]["driver"]["rules"][result["ruleIndex"].get<std::size_t>()]["id"],
              finding.rule);
    const json& location = result["locations"][0];
    if (finding.location.known()) {
      EXPECT_EQ(location["physicalLocation"]["artifactLocation"]["uri"], finding.location.file.str());
      EXPECT_EQ(location["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%");
      EXPECT_EQ(location["physicalLocation"]["region"]["startLine"], finding.location.line);
    } else if (finding.object.schema == "billing") {
      saw_logical_only = true;
      EXPECT_FALSE(location.contains("physicalLocation"));
      EXPECT_EQ(location["logicalLocations"][0]["fullyQualifiedName"], "billing.invoices.customer_id");
      EXPECT_EQ(location["logicalLocations"][0]["kind"], "column");
      EXPECT_NE(result["message"]["text"].get<std::string>().find("CREATE INDEX CONCURRENTLY"),
                std::string::npos);
    }
  }
  EXPECT_TRUE(saw_logical_only);
}

TEST(SarifReporter, PathsWithSpacesArePercentEncoded) {
  engine::RunReport run =
      run_of("parse-error", core::Severity::high, "bad", core::SourceLocation{"/repo/my db/x#1.sql", 2, 1});
  std::ostringstream out;
  reporters::write_sarif(out, input_for(run, "/repo"));
  const json sarif = json::parse(out.str());
  EXPECT_EQ(sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///repo/");
  EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "my%20db/x%231.sql");
}

TEST(JunitReporter, EscapesXmlAndDropsControlCharacters) {
  engine::RunReport run = run_of("parse-error", core::Severity::high, std::string("a <b> & \"c\" 'd'\x01"),
                                 core::SourceLocation{"/repo/x.sql", 1, 1});
  run.rules_run = {"unindexed-foreign-key"};
  std::ostringstream out;
  reporters::write_junit(out, input_for(run, "/repo"));
  const std::string xml = out.str();
  EXPECT_NE(xml.find("message=\"a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;\""), std::string::npos) << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_NE(xml.find("<testsuites name=\"pgadvise\" tests=\"2\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(
      xml.find("<testcase classname=\"pgadvise.unindexed-foreign-key\" name=\"unindexed-foreign-key\"/>"),
      std::string::npos)
      << xml;
}

// Code fixes as the rules make them: query-in-loop's rewrite of a loop (no
// SQL), writes-outside-transaction's (a rewrite and the SQL it sends).
engine::RunReport code_fix_run(const std::string& root) {
  engine::RunReport run;
  core::Finding loop;
  loop.rule = "query-in-loop";
  loop.severity = core::Severity::medium;
  loop.message = "Query in a loop: this for...of loop inserts into invoices once per schedule of due";
  loop.location = {root + "/src/jobs/recurring-invoices.ts", 14, 3};
  loop.fix = core::Fix{};
  loop.fix->change.emplace<core::CodeChange>();
  loop.fix->applicability = core::FixApplicability::manual; // as the runner stamps query-in-loop's
  loop.fix->code().code =
      "await db.insert(invoices).values(due.map((schedule) => ({ /* the row's values */ })));\n"
      "// one insert for all rows instead of one per row";
  loop.fix->code().at = root + "/src/jobs/recurring-invoices.ts:14";
  loop.fix->code().table = "invoices";
  loop.compute_fingerprint();
  run.findings.push_back(loop);
  core::Finding writes;
  writes.rule = "writes-outside-transaction";
  writes.severity = core::Severity::medium;
  writes.message =
      "3 writes to invoices ran one after another in autocommit, without a transaction, 300 times";
  writes.location = {root + "/logs/postgresql-15.log", 32, 0};
  writes.fix = core::Fix{};
  writes.fix->change.emplace<core::CodeChange>();
  writes.fix->applicability = core::FixApplicability::manual;
  writes.fix->code().sends = "BEGIN;\nupdate \"invoices\" set \"status\" = $1 where \"id\" = $2;\nCOMMIT;";
  writes.fix->code().code =
      "await db.transaction(async (tx) => {\n  // the 3 writes, each on tx instead of db\n});";
  writes.compute_fingerprint("writes");
  run.findings.push_back(writes);
  return run;
}

TEST(CiOutput, CodeFixIsTheRewriteThenTheSqlItSends) {
  const engine::RunReport run = code_fix_run("/repo");
  EXPECT_EQ(reporters::message_with_fix(run.findings[0], "/repo"),
            run.findings[0].message +
                "\nFix (code change at src/jobs/recurring-invoices.ts:14, table invoices; manual: "
                "application code, which `pgadvise fix` never writes):\n" +
                run.findings[0].fix->code_text().str());
  // The statements are what the new code sends, never "Fix:" as if they were
  // a migration to run.
  EXPECT_EQ(reporters::message_with_fix(run.findings[1], "/repo"),
            run.findings[1].message +
                "\nFix (code change; manual: application code, which `pgadvise fix` never writes):\n" +
                run.findings[1].fix->code_text().str() + "\nSQL the new code sends:\n" +
                run.findings[1].fix->statements());
  EXPECT_EQ(reporters::repo_relative_place("/repo/src/a.ts:7", "/repo"), "src/a.ts:7");
  EXPECT_EQ(reporters::repo_relative_place("/repo/src/a.ts", "/repo"), "src/a.ts");
}

TEST(GithubReporter, CodeFixRewriteIsInTheAnnotation) {
  const engine::RunReport run = code_fix_run("/repo");
  std::ostringstream out;
  reporters::write_github(out, input_for(run, "/repo"));
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 2U) << out.str();
  EXPECT_NE(lines[0].find("::warning file=src/jobs/recurring-invoices.ts,line=14,col=3,"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("%0AFix (code change at src/jobs/recurring-invoices.ts:14, table invoices; manual: "
                          "application code, which `pgadvise fix` never writes):%0Aawait "
                          "db.insert(invoices).values(due.map("),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("%0Aawait db.transaction(async (tx) => {%0A"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("%0ASQL the new code sends:%0ABEGIN;%0A"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[1].find("Fix:"), std::string::npos) << lines[1];
}

TEST(SarifReporter, CodeFixIsInTheMessageNotAnApplicableFix) {
  const engine::RunReport run = code_fix_run("/repo");
  std::ostringstream out;
  reporters::write_sarif(out, input_for(run, "/repo"));
  const json sarif = json::parse(out.str());
  const json& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2U);
  for (const json& result : results) {
    // `fixes` are applicable edits (regions deleted and replaced); a rewrite
    // of a loop is not one.
    EXPECT_FALSE(result.contains("fixes")) << result.dump(1);
  }
  const json& loop = results[0];
  EXPECT_NE(loop["message"]["text"].get<std::string>().find(run.findings[0].fix->code_text().str()),
            std::string::npos);
  EXPECT_NE(loop["message"]["markdown"].get<std::string>().find(
                "```ts\n" + run.findings[0].fix->code_text().str() + "\n```\n"),
            std::string::npos)
      << loop["message"]["markdown"];
  EXPECT_EQ(loop["properties"]["codeFix"]["location"], "src/jobs/recurring-invoices.ts:14");
  EXPECT_EQ(loop["properties"]["codeFix"]["table"], "invoices");
  EXPECT_EQ(loop["properties"]["codeFix"]["code"], run.findings[0].fix->code_text().str());
  EXPECT_FALSE(loop["properties"]["codeFix"].contains("sql"));
  const json& writes = results[1];
  EXPECT_NE(writes["message"]["markdown"].get<std::string>().find(
                "```sql\n" + run.findings[1].fix->statements() + "\n```"),
            std::string::npos)
      << writes["message"]["markdown"];
  EXPECT_EQ(writes["properties"]["codeFix"]["sql"], run.findings[1].fix->statements());
  // A schema fix stays as it was: its DDL in the text, no markdown.
  const engine::RunReport sample = test::sample_run();
  std::ostringstream sample_out;
  reporters::write_sarif(sample_out, input_for(sample));
  const json sample_report = json::parse(sample_out.str()); // outlives the loop over its results
  for (const json& result : sample_report.at("runs").at(0).at("results")) {
    EXPECT_FALSE(result["message"].contains("markdown")) << result.dump(1);
    EXPECT_FALSE(result["properties"].contains("codeFix")) << result.dump(1);
  }
}

TEST(GitlabReporter, CodeFixIsMarkdownInTheBody) {
  const engine::RunReport run = code_fix_run("/repo");
  std::ostringstream out;
  reporters::write_gitlab(out, input_for(run, "/repo"));
  const json issues = json::parse(out.str());
  ASSERT_EQ(issues.size(), 2U);
  const std::string body = issues[0]["content"]["body"];
  EXPECT_NE(body.find("**Fix (code change at src/jobs/recurring-invoices.ts:14, table invoices; manual: "
                      "application code, which \\`pgadvise fix\\` never writes)**"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("```ts\n" + run.findings[0].fix->code_text().str() + "\n```"), std::string::npos)
      << body;
  EXPECT_EQ(issues[0]["location"]["path"], "src/jobs/recurring-invoices.ts");
}

TEST(JunitReporter, CodeFixIsInTheFailure) {
  const engine::RunReport run = code_fix_run("/repo");
  std::ostringstream out;
  reporters::write_junit(out, input_for(run, "/repo"));
  const std::string xml = out.str();
  EXPECT_NE(
      xml.find("Fix (code change at src/jobs/recurring-invoices.ts:14, table invoices; manual: application "
               "code, which `pgadvise fix` never writes):\nawait "
               "db.insert(invoices).values(due.map((schedule) =&gt; ({ /* the row&apos;s values */ })));"),
      std::string::npos)
      << xml;
  EXPECT_NE(xml.find("SQL the new code sends:\nBEGIN;\nupdate &quot;invoices&quot;"), std::string::npos)
      << xml;
}

TEST(RulesMarkdown, OneRowPerRuleLinkingItsPage) {
  std::ostringstream out;
  reporters::write_rules_markdown(out, input_for(engine::RunReport{}).rules);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 5U);
  // Links are relative to docs/, where the table lives; the lens column
  // says when the rule applies.
  EXPECT_EQ(lines[3],
            "| [`unindexed-foreign-key`](../rules/unindexed-foreign-key.md) | critical | schema | state | FK "
            "without index | yes |");
}

} // namespace ci_formats_test
