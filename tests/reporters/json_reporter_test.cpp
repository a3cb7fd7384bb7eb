#include "reporters/report.hpp"
#include "reporters/sample_report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pgadvise;
using nlohmann::json;

namespace json_reporter_test {

std::string render(const reporters::ReportInput& input) {
  std::ostringstream out;
  reporters::write_json(out, input);
  return out.str();
}

json parse(const reporters::ReportInput& input) {
  return json::parse(render(input));
}

void expect_text_or_null(const json& value, std::string_view expected) {
  if (expected.empty()) {
    EXPECT_TRUE(value.is_null()) << value;
  } else {
    ASSERT_TRUE(value.is_string()) << value;
    EXPECT_EQ(value.get<std::string>(), expected);
  }
}

void expect_location(const json& value, const core::SourceLocation& expected) {
  if (!expected.known()) {
    EXPECT_TRUE(value.is_null()) << value;
    return;
  }
  ASSERT_TRUE(value.is_object()) << value;
  EXPECT_EQ(value.at("file").get<std::string>(), expected.file);
  if (expected.line > 0) {
    EXPECT_EQ(value.at("line").get<int>(), expected.line);
  } else {
    EXPECT_TRUE(value.at("line").is_null());
  }
  if (expected.column > 0) {
    EXPECT_EQ(value.at("column").get<int>(), expected.column);
  } else {
    EXPECT_TRUE(value.at("column").is_null());
  }
}

void expect_finding(const json& value, const core::Finding& expected) {
  ASSERT_TRUE(value.is_object());
  EXPECT_EQ(value.at("rule").get<std::string>(), expected.rule);
  EXPECT_EQ(value.at("severity").get<std::string>(), core::to_string(expected.severity));
  EXPECT_EQ(value.at("message").get<std::string>(), expected.message);
  EXPECT_EQ(value.at("help").get<std::string>(), expected.help);
  EXPECT_EQ(value.at("fingerprint").get<std::string>(), expected.fingerprint);
  EXPECT_EQ(value.at("fingerprint").get<std::string>().size(), 16U);
  expect_location(value.at("location"), expected.location);

  const json& object = value.at("object");
  expect_text_or_null(object.at("schema"), expected.object.schema);
  expect_text_or_null(object.at("table"), expected.object.table);
  expect_text_or_null(object.at("constraint"), expected.object.constraint);
  ASSERT_TRUE(object.at("columns").is_array());
  EXPECT_EQ(object.at("columns").get<std::vector<std::string>>(), expected.object.columns);

  const json& evidence = value.at("evidence");
  ASSERT_TRUE(evidence.is_array());
  ASSERT_EQ(evidence.size(), expected.evidence.size());
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    EXPECT_EQ(evidence[i].at("kind").get<std::string>(), core::to_string(expected.evidence[i].kind));
    EXPECT_EQ(evidence[i].at("detail").get<std::string>(), expected.evidence[i].detail);
    expect_location(evidence[i].at("location"), expected.evidence[i].location);
  }

  const json& fix = value.at("fix");
  if (!expected.fix) {
    EXPECT_TRUE(fix.is_null());
    return;
  }
  ASSERT_TRUE(fix.is_object());
  expect_text_or_null(fix.at("ddl"), expected.fix->statements());
  expect_text_or_null(fix.at("drizzle"), expected.fix->code_text());
  expect_text_or_null(fix.at("safety_note"), expected.fix->safety_note);
  EXPECT_EQ(fix.at("kind"), core::to_string(expected.fix->kind()));
  expect_text_or_null(fix.at("drizzle_file"), expected.fix->code_file());
  expect_text_or_null(fix.at("drizzle_table"), expected.fix->code_table());
  expect_text_or_null(fix.at("commands"), expected.fix->migrate_commands());
}

TEST(JsonReporter, TopLevelFields) {
  const engine::RunReport run = test::sample_run();
  const reporters::ReportInput input = test::sample_input(run);
  const json report = parse(input);
  ASSERT_TRUE(report.at("version").is_number_integer());
  EXPECT_EQ(report.at("version").get<int>(), reporters::k_json_version);
  EXPECT_EQ(report.at("tool").at("name").get<std::string>(), "pgadvise");
  EXPECT_EQ(report.at("tool").at("version").get<std::string>(), PGADVISE_VERSION);
  EXPECT_EQ(report.at("schema").at("source").get<std::string>(), input.schema_source);
  EXPECT_EQ(report.at("schema").at("description").get<std::string>(), input.schema_description);
  EXPECT_EQ(report.at("inputs").get<std::vector<std::string>>(), input.inputs);
  EXPECT_EQ(report.at("notes").get<std::vector<std::string>>(), input.notes);
  EXPECT_EQ(report.at("rules_run").get<std::vector<std::string>>(), run.rules_run);
}

TEST(JsonReporter, SummaryCountsEverySeverity) {
  const engine::RunReport run = test::sample_run();
  const json summary = parse(test::sample_input(run)).at("summary");
  EXPECT_EQ(summary.at("total").get<std::size_t>(), run.findings.size());
  EXPECT_EQ(summary.at("suppressed").get<std::size_t>(), run.suppressed);
  EXPECT_EQ(summary.at("hidden").get<std::size_t>(), run.hidden);
  const json& by_severity = summary.at("by_severity");
  ASSERT_EQ(by_severity.size(), 5U);
  for (core::Severity severity : {core::Severity::critical, core::Severity::high, core::Severity::medium,
                                  core::Severity::low, core::Severity::info}) {
    const auto expected = static_cast<std::size_t>(
        std::count_if(run.findings.begin(), run.findings.end(),
                      [&](const core::Finding& f) { return f.severity == severity; }));
    EXPECT_EQ(by_severity.at(std::string(core::to_string(severity))).get<std::size_t>(), expected);
  }
}

TEST(JsonReporter, EveryFindingFieldInRunOrder) {
  const engine::RunReport run = test::sample_run();
  const json findings = parse(test::sample_input(run)).at("findings");
  ASSERT_TRUE(findings.is_array());
  ASSERT_EQ(findings.size(), run.findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    SCOPED_TRACE(run.findings[i].rule + " " + run.findings[i].message);
    expect_finding(findings[i], run.findings[i]);
  }
}

TEST(JsonReporter, UnknownPartsAreNull) {
  const engine::RunReport run = test::sample_run();
  const json findings = parse(test::sample_input(run)).at("findings");
  bool saw_no_location = false;
  bool saw_no_fix = false;
  bool saw_no_column = false;
  for (const json& finding : findings) {
    saw_no_location = saw_no_location || finding.at("location").is_null();
    saw_no_fix = saw_no_fix || finding.at("fix").is_null();
    saw_no_column =
        saw_no_column || (finding.at("location").is_object() && finding["location"]["column"].is_null());
  }
  // The sample covers each case; expect_finding checks which finding has it.
  EXPECT_TRUE(saw_no_location);
  EXPECT_TRUE(saw_no_fix);
  EXPECT_TRUE(saw_no_column);
}

TEST(JsonReporter, SkippedRulesAreSplitIntoRuleAndReason) {
  const engine::RunReport run = test::sample_run();
  const json skipped = parse(test::sample_input(run)).at("skipped_rules");
  ASSERT_EQ(skipped.size(), run.skipped.size());
  for (std::size_t i = 0; i < skipped.size(); ++i) {
    const std::string rule = skipped[i].at("rule").get<std::string>();
    const std::string reason = skipped[i].at("reason").get<std::string>();
    EXPECT_FALSE(rule.empty());
    EXPECT_FALSE(reason.empty());
    EXPECT_EQ(rule + ": " + reason, run.skipped[i]);
  }
}

TEST(JsonReporter, InvalidUtf8BecomesReplacementCharacter) {
  engine::RunReport run = test::sample_run();
  run.findings[0].message = "bad \xff\xfe byte";
  run.findings[0].object.table = "t\xc3";
  const std::string text = render(test::sample_input(run));
  json report;
  ASSERT_NO_THROW(report = json::parse(text));
  EXPECT_EQ(report.at("findings")[0].at("message").get<std::string>(), "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
  EXPECT_EQ(report.at("findings")[0].at("object").at("table").get<std::string>(), "t\xEF\xBF\xBD");
}

TEST(JsonReporter, OutputIsDeterministic) {
  const engine::RunReport run = test::sample_run();
  EXPECT_EQ(render(test::sample_input(run)), render(test::sample_input(test::sample_run())));
  EXPECT_EQ(render(test::sample_input(run)).back(), '\n');
}

TEST(JsonReporter, EmptyRun) {
  const engine::RunReport run;
  reporters::ReportInput input = test::sample_input(run);
  input.schema_source.clear();
  const json report = parse(input);
  EXPECT_TRUE(report.at("findings").is_array());
  EXPECT_TRUE(report.at("findings").empty());
  EXPECT_EQ(report.at("summary").at("total").get<int>(), 0);
  EXPECT_EQ(report.at("schema").at("source").get<std::string>(), "none");
  EXPECT_TRUE(report.at("skipped_rules").is_array());
}

} // namespace json_reporter_test
