// The pull request comment (`--format github-comment`): the marker first,
// most severe first, places and rule pages linked, fixes as closed code
// blocks with their applicability, repeats grouped, a line when nothing is
// new, and a report far over GitHub's 65,536-character limit cut to one
// that fits, stays valid Markdown and says what it left out and where the
// rest is. The bundled example's comment is pinned in tests/cli/golden.
#include "reporters/report.hpp"
#include "reporters/sample_report.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace pgadvise;

namespace github_comment_reporter_test {

std::string comment_of(const reporters::ReportInput& input) {
  std::ostringstream out;
  reporters::write_github_comment(out, input);
  return out.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

// Empty when every fenced block is closed (CommonMark: a closing fence is
// a line of at least as many backticks as the opening one, and nothing
// else); else the line of the block left open.
std::string open_fence(const std::string& markdown) {
  std::size_t open = 0;
  std::string opened_at;
  for (const std::string& line : lines(markdown)) {
    const std::size_t run =
        line.find_first_not_of('`') == std::string::npos ? line.size() : line.find_first_not_of('`');
    if (open == 0 && run >= 3) {
      open = run;
      opened_at = line;
    } else if (open > 0 && run >= open && run == line.size()) {
      open = 0;
    }
  }
  return open == 0 ? std::string() : opened_at;
}

core::Finding finding(std::string rule, core::Severity severity, std::string message, std::string file,
                      int line) {
  core::Finding f;
  f.rule = std::move(rule);
  f.severity = severity;
  f.message = std::move(message);
  f.object = {"public", "t" + std::to_string(line), {"c"}, ""};
  f.location = {std::move(file), line, 1};
  f.compute_fingerprint();
  return f;
}

reporters::ReportInput input_for(const engine::RunReport& run) {
  reporters::ReportInput input = test::sample_input(run);
  input.repo_root = std::filesystem::current_path().string();
  input.comment.source_url = "https://github.com/acme/shop/blob/abc123";
  input.comment.rules_url = "https://github.com/pgadvise/pgadvise/blob/v0.1.0/rules";
  input.comment.report_url = "https://github.com/acme/shop/actions/runs/42";
  return input;
}

TEST(GithubCommentReporter, StartsWithTheMarkerAndItsKey) {
  const engine::RunReport run = test::sample_run();
  reporters::ReportInput input = input_for(run);
  EXPECT_EQ(lines(comment_of(input)).front(), "<!-- pgadvise-comment -->");
  input.comment.key = "api db";
  EXPECT_EQ(lines(comment_of(input)).front(), "<!-- pgadvise-comment key=api-db -->");
  input.comment.key = "x-->y";
  EXPECT_EQ(lines(comment_of(input)).front(), "<!-- pgadvise-comment key=x-y -->"); // cannot end the comment
}

TEST(GithubCommentReporter, MostSevereFirstWithPlacesAndRulesLinked) {
  const engine::RunReport run = test::sample_run();
  const std::string text = comment_of(input_for(run));
  const std::size_t critical = text.find("**critical** [`unindexed-foreign-key`]");
  const std::size_t high = text.find("**high**");
  const std::size_t low = text.find("**low**");
  ASSERT_NE(critical, std::string::npos) << text;
  ASSERT_NE(high, std::string::npos) << text;
  ASSERT_NE(low, std::string::npos) << text;
  EXPECT_LT(critical, high);
  EXPECT_LT(high, low);
  EXPECT_NE(text.find("[`unindexed-foreign-key`](https://github.com/pgadvise/pgadvise/blob/v0.1.0/rules/"
                      "unindexed-foreign-key.md)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("[`drizzle/0001_posts.sql:12`](https://github.com/acme/shop/blob/abc123/drizzle/"
                      "0001_posts.sql#L12)"),
            std::string::npos)
      << text;
  EXPECT_EQ(open_fence(text), "") << text;
}

TEST(GithubCommentReporter, FixesAreCodeBlocksThatSayTheirApplicability) {
  const engine::RunReport run = test::sample_run();
  const std::string text = comment_of(input_for(run));
  // The schema.ts line as what the file gains, then the SQL.
  EXPECT_NE(text.find("In `src/db/schema.ts:41` (table `posts`):\n\n```diff\n+"
                      "index(\"posts_author_id_idx\").on(table.authorId),\n```"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("```sql\nCREATE INDEX CONCURRENTLY IF NOT EXISTS posts_author_id_idx"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("fix (unsafe"), std::string::npos) << text; // the sample's fixes say nothing: unsafe

  engine::RunReport safe;
  core::Finding fk = finding("unindexed-foreign-key", core::Severity::high, "no index", "db/1.sql", 3);
  fk.fix = core::Fix{core::SqlChange{"CREATE INDEX CONCURRENTLY t_c_idx ON t (c);"}, {}};
  fk.fix->applicability = core::FixApplicability::safe;
  safe.findings.push_back(fk);
  const std::string safe_text = comment_of(input_for(safe));
  EXPECT_NE(safe_text.find("fix (safe"), std::string::npos) << safe_text;
}

TEST(GithubCommentReporter, NothingNewSaysWhatTheBaselineHolds) {
  engine::RunReport run;
  run.baselined = 12;
  run.unchanged = 3;
  reporters::ReportInput input = input_for(run);
  input.comment.baseline = ".pgadvise-baseline.json";
  const std::string text = comment_of(input);
  EXPECT_EQ(lines(text).front(), "<!-- pgadvise-comment -->");
  EXPECT_NE(
      text.find("No new findings; 12 accepted in the baseline, 3 outside the files this change touched."),
      std::string::npos)
      << text;
}

TEST(GithubCommentReporter, RepeatsOfOneShapeAreOneEntry) {
  engine::RunReport run;
  for (int i = 1; i <= 8; ++i) {
    core::Finding f =
        finding("timestamp-without-time-zone", core::Severity::medium,
                "column t" + std::to_string(i) + ".c is timestamp without time zone", "db/1.sql", i);
    f.fix = core::Fix{
        core::SqlChange{"ALTER TABLE t" + std::to_string(i) + " ALTER COLUMN c TYPE timestamptz;"}, {}};
    run.findings.push_back(f);
  }
  run.findings.push_back(finding("parse-error", core::Severity::high, "syntax error", "db/2.sql", 1));
  const std::string text = comment_of(input_for(run));
  EXPECT_NE(
      text.find("[`timestamp-without-time-zone`](https://github.com/pgadvise/pgadvise/blob/v0.1.0/rules/"
                "timestamp-without-time-zone.md): 8 findings"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("- and 5 more (`pgadvise lint --rule timestamp-without-time-zone` lists them all)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("ALTER TABLE t2 "), std::string::npos) << "only the first's fix: " << text;
  EXPECT_LT(text.find("**high**"), text.find("**medium**"));
}

// 3,000 findings of 150 rules, each with a 30-line fix: about ten times the
// limit even with each rule's repeats grouped.
TEST(GithubCommentReporter, AHugeReportIsCutUnderGithubsLimitAndStaysValidMarkdown) {
  engine::RunReport run;
  std::string ddl;
  for (int line = 0; line < 30; ++line) {
    ddl += "CREATE INDEX CONCURRENTLY IF NOT EXISTS some_long_index_name_" + std::to_string(line) +
           " ON some_table (a, b, c);\n";
  }
  for (int i = 0; i < 3000; ++i) {
    core::Finding f =
        finding("rule-" + std::to_string(i % 150), i < 10 ? core::Severity::critical : core::Severity::medium,
                "finding " + std::to_string(i) + " with ``` backticks in its message",
                "db/" + std::to_string(i) + ".sql", i + 1);
    f.fix = core::Fix{core::SqlChange{ddl, "index(\"x\").on(t.a),\n```\nnot a fence end"}, ""};
    run.findings.push_back(f);
  }
  const std::string text = comment_of(input_for(run));
  EXPECT_LT(text.size(), 65536U);
  EXPECT_GT(text.size(), 40000U) << "the cut should keep most of the room";
  EXPECT_EQ(open_fence(text), "") << "a code block is left open";
  EXPECT_EQ(lines(text).front(), "<!-- pgadvise-comment -->");
  EXPECT_NE(text.find("### pgadvise: 3000 findings (10 critical, 2990 medium)"), std::string::npos)
      << text.substr(0, 400);
  std::smatch left;
  static const std::regex k_left(R"(\*\*([0-9]+) more findings not shown\*\*)");
  ASSERT_TRUE(std::regex_search(text, left, k_left)) << text.substr(text.size() - 2000);
  EXPECT_NE(text.find("under GitHub's 65,536-character limit"), std::string::npos);
  EXPECT_NE(text.find("[the workflow run](https://github.com/acme/shop/actions/runs/42)"), std::string::npos);
  EXPECT_NE(text.find("`--format json` lists every finding"), std::string::npos);
  // What the entries show and what the summary says was left out are all of them.
  static const std::regex k_group(R"(\): ([0-9]+) findings)");
  std::size_t shown = 0;
  for (const std::string& line : lines(text)) {
    if (line.rfind("**critical** ", 0) == 0 || line.rfind("**medium** ", 0) == 0) {
      std::smatch group;
      shown += std::regex_search(line, group, k_group) ? std::stoul(group[1].str()) : 1;
    }
  }
  EXPECT_GT(shown, 10U);
  EXPECT_EQ(shown + std::stoul(left[1].str()), 3000U);
}

} // namespace github_comment_reporter_test
