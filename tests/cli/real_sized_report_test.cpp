// The text report on a real-sized project: fixtures/big-history (120
// drizzle-kit migrations, 40 tables; fixtures/big-history/generate.py),
// pinned byte for byte in tests/cli/golden/big-history.txt, and held to
// what makes it readable: under 4 lines per finding in all, each rule's help
// and safety note once, and each proposed CREATE INDEX in one finding.
#include "cli/process.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;

ProcessResult lint_big_history(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"lint", "fixtures/big-history"};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessOptions options;
  options.cwd = PGADVISE_SOURCE_DIR; // locations are shown relative to the current directory
  options.env.try_emplace("NO_COLOR", std::nullopt);
  ProcessResult result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  return result;
}

std::size_t count_of(const std::string& text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Walks the findings part of a default text report (from the first blank
// line to the closing "Rules" section): a finding's row starts with two
// spaces and a non-space, its fix lines with more spaces. Returns the rows
// and the most lines any fix took.
std::pair<std::size_t, std::size_t> rows_and_fix_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::size_t rows = 0;
  std::size_t below = 0;
  std::size_t worst = 0;
  bool started = false;
  while (std::getline(in, line)) {
    if (!started) {
      started = line.empty();
      continue;
    }
    if (line.rfind("Rules", 0) == 0 || line.rfind("To do", 0) == 0) {
      break;
    }
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      ++rows;
      below = 0;
    } else if (line.size() > 2 && line[2] == ' ') {
      worst = std::max(worst, ++below);
    } else {
      below = 0; // a file's name
    }
  }
  return {rows, worst};
}

class RealSizedReport : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_text = lint_big_history({"--color", "never"}).out;
    s_json = nlohmann::json::parse(lint_big_history({"--format", "json"}).out, nullptr, false);
  }
  static std::string s_text;
  static nlohmann::json s_json;
};

std::string RealSizedReport::s_text;
nlohmann::json RealSizedReport::s_json;

TEST_F(RealSizedReport, MatchesGolden) {
  std::ifstream in(fs::path(PGADVISE_SOURCE_DIR) / "tests" / "cli" / "golden" / "big-history.txt",
                   std::ios::binary);
  std::ostringstream expected;
  expected << in.rdbuf();
  ASSERT_FALSE(expected.str().empty()) << "missing tests/cli/golden/big-history.txt";
  EXPECT_TRUE(s_text == expected.str())
      << "the report of fixtures/big-history changed; scripts/refresh-golden.sh rewrites "
         "tests/cli/golden/big-history.txt once the change is intended";
}

TEST_F(RealSizedReport, StaysUnderFourLinesPerFinding) {
  ASSERT_FALSE(s_json.is_discarded());
  const std::size_t findings = s_json["findings"].size();
  ASSERT_GE(findings, 50U) << "the fixture should be real-sized";
  // The findings themselves, file headers included: what a reader scrolls
  // through before the closing section (each rule's help once) and the summary.
  const std::size_t end = s_text.find("\nRules (");
  ASSERT_NE(end, std::string::npos);
  const auto lines = static_cast<std::size_t>(
      std::count(s_text.begin(), s_text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
  EXPECT_LT(lines, 4 * findings) << lines << " lines for " << findings << " findings";
}

TEST_F(RealSizedReport, EachFindingIsOneLineAndItsFixAtMostTwo) {
  const auto [rows, fix_lines] = rows_and_fix_lines(s_text);
  EXPECT_EQ(rows, s_json["findings"].size());
  EXPECT_LE(fix_lines, 2U);
}

TEST_F(RealSizedReport, HelpAndSafetyNotesAppearOnce) {
  std::map<std::string, std::size_t> helps;
  for (const auto& finding : s_json["findings"]) {
    const std::string help = finding["help"].get<std::string>();
    if (!help.empty()) {
      ++helps[help.substr(0, 60)];
    }
  }
  for (const auto& [help, findings] : helps) {
    EXPECT_LE(count_of(s_text, help), 1U) << help << " (" << findings << " findings)";
  }
  EXPECT_EQ(count_of(s_text, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"), 1U);
}

TEST_F(RealSizedReport, EachCreateIndexInOneFinding) {
  std::map<std::string, std::size_t> ddl;
  for (const auto& finding : s_json["findings"]) {
    if (finding["fix"].is_object() && finding["fix"]["ddl"].is_string()) {
      const std::string text = finding["fix"]["ddl"].get<std::string>();
      if (text.rfind("CREATE INDEX", 0) == 0) {
        ++ddl[text];
      }
    }
    ASSERT_TRUE(finding["rule_ids"].is_array());
    EXPECT_EQ(finding["rule_ids"][0], finding["rule"]);
  }
  EXPECT_FALSE(ddl.empty());
  for (const auto& [text, findings] : ddl) {
    EXPECT_EQ(findings, 1U) << text;
    EXPECT_EQ(count_of(s_text, text), 1U) << text;
  }
}

} // namespace
