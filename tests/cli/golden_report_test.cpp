// The bundled example's report, as a user sees it, pinned byte for byte:
// `pgadvise lint fixtures/drizzle-app` in text and in JSON against the files
// in tests/cli/golden/. A change that alters what users read fails here
// until it is looked at and the files are refreshed (scripts/refresh-golden.sh).
#include "cli/process.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace golden_report_test {

namespace fs = std::filesystem;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;

std::string read_golden(const std::string& name) {
  std::ifstream in(fs::path(PGADVISE_SOURCE_DIR) / "tests" / "cli" / "golden" / name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "line N: expected ... / got ..." for the first line that differs, so a
// failure shows what changed without printing two whole reports.
std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream want(expected);
  std::istringstream got(actual);
  std::string want_line;
  std::string got_line;
  for (int line = 1;; ++line) {
    const bool more_want = static_cast<bool>(std::getline(want, want_line));
    const bool more_got = static_cast<bool>(std::getline(got, got_line));
    if (!more_want && !more_got) {
      return "the reports differ only in their final newline";
    }
    if (!more_want || !more_got || want_line != got_line) {
      return "line " + std::to_string(line) + ":\n  expected: " + (more_want ? want_line : "<end>") +
             "\n  got:      " + (more_got ? got_line : "<end>");
    }
  }
}

// The GitHub job's variables the pull request comment links with, as
// scripts/refresh-golden.sh sets them; every other report ignores them.
const std::map<std::string, std::optional<std::string>> k_comment_env = {
    {"GITHUB_SERVER_URL", std::nullopt},
    {"GITHUB_REPOSITORY", "acme/shop"},
    {"GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"},
    {"PGADVISE_COMMIT_SHA", std::nullopt},
    {"GITHUB_RUN_ID", "4242"},
    {"PGADVISE_RULES_URL", "https://github.com/OWNER/pgadvise/blob/v0.1.0/rules"},
};

ProcessResult lint_example(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"lint", "fixtures/drizzle-app"};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessOptions options;
  options.cwd = PGADVISE_SOURCE_DIR; // locations are shown relative to the current directory
  options.env.try_emplace("NO_COLOR", std::nullopt);
  options.env.insert(k_comment_env.begin(), k_comment_env.end());
  return pgadvise::test::run_process(PGADVISE_BINARY, args, options);
}

// The one value that changes from run to run (input_summary.elapsed_ms) is
// pinned to 0, as scripts/refresh-golden.sh writes it.
std::string without_timing(const std::string& report) {
  static const std::regex k_elapsed(R"("elapsed_ms": [0-9.e+-]+)");
  return std::regex_replace(report, k_elapsed, R"("elapsed_ms": 0)");
}

void expect_golden(const std::vector<std::string>& extra, const std::string& golden) {
  ProcessResult result = lint_example(extra);
  result.out = without_timing(result.out);
  ASSERT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 1) << "the example has high findings, so the default --fail-on high exits 1\n"
                                 << result.err;
  EXPECT_EQ(result.err, "");
  const std::string expected = read_golden(golden);
  ASSERT_FALSE(expected.empty()) << "missing tests/cli/golden/" << golden;
  EXPECT_TRUE(result.out == expected)
      << "report of fixtures/drizzle-app differs from tests/cli/golden/" << golden << " at "
      << first_difference(expected, result.out)
      << "\n(scripts/refresh-golden.sh rewrites it once the change is intended)";
}

TEST(GoldenReport, ExampleTextReport) {
  expect_golden({"--color", "never"}, "drizzle-app.txt");
}

TEST(GoldenReport, ExampleJsonReport) {
  expect_golden({"--format", "json"}, "drizzle-app.json");
}

// The pull request comment against a baseline that holds part of the
// example's findings (tests/cli/golden/drizzle-app.baseline.json): the new
// ones, with links, fixes and what the baseline held back.
TEST(GoldenReport, ExampleGithubComment) {
  const ProcessResult result = lint_example(
      {"--format", "github-comment", "--baseline", "tests/cli/golden/drizzle-app.baseline.json"});
  ASSERT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 1) << "a high finding is new\n" << result.err;
  const std::string expected = read_golden("drizzle-app.github-comment.md");
  ASSERT_FALSE(expected.empty()) << "missing tests/cli/golden/drizzle-app.github-comment.md";
  EXPECT_TRUE(result.out == expected)
      << "comment on fixtures/drizzle-app differs from tests/cli/golden/drizzle-app.github-comment.md at "
      << first_difference(expected, result.out)
      << "\n(scripts/refresh-golden.sh rewrites it once the change is intended)";
}

} // namespace golden_report_test
