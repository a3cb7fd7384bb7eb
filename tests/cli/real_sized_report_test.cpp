// The text report on a real-sized project: fixtures/big-history (120
// drizzle-kit migrations, 40 tables; fixtures/big-history/generate.py),
// pinned byte for byte in tests/cli/golden/big-history.txt, and held to
// what makes it readable: critical and high entries first, at most 40 lines
// plus 4 per critical or high finding, many findings of one shape as one
// entry (every instance still in the JSON), each rule's help and safety note
// once, and each proposed CREATE INDEX in one finding.
#include "cli/process.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace real_sized_report_test {

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

// One row of the default text report's entries: a finding, or a grouped
// entry ("12 findings" in place of the location).
struct Row {
  std::string where;
  std::string severity;
  std::string rule;
};

// The entries part of a default text report: from the first section title
// ("Do first: ...", "Then: ...") to the foreign-key block or the closing
// "Rules" section. A row starts with two spaces and a non-space; the lines
// under it with more spaces.
std::vector<Row> rows_of(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::vector<Row> rows;
  bool started = false;
  while (std::getline(in, line)) {
    if (line.rfind("Do first:", 0) == 0 || line.rfind("Then:", 0) == 0) {
      started = true;
      continue;
    }
    if (!started) {
      continue;
    }
    if (line.rfind("Rules", 0) == 0 || line.rfind("To do", 0) == 0 || line.rfind("The ", 0) == 0) {
      break;
    }
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      std::vector<std::string> fields;
      std::size_t at = 2;
      while (fields.size() < 3) {
        const std::size_t next = line.find("  ", at);
        fields.push_back(line.substr(at, next == std::string::npos ? std::string::npos : next - at));
        if (next == std::string::npos) {
          break;
        }
        at = next + 2;
      }
      fields.resize(3);
      rows.push_back({fields[0], fields[1], fields[2]});
    }
  }
  return rows;
}

bool is_critical_or_high(std::string_view severity) {
  return severity == "critical" || severity == "high";
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

// The done-when of the report's order: every critical and high entry before
// any other, and the whole report at most 40 lines plus 4 per critical or
// high finding.
TEST_F(RealSizedReport, LeadsWithCriticalAndHighWithinTheLineBudget) {
  ASSERT_FALSE(s_json.is_discarded());
  ASSERT_GE(s_json["findings"].size(), 50U) << "the fixture should be real-sized";
  std::size_t urgent = 0;
  for (const auto& finding : s_json["findings"]) {
    urgent += is_critical_or_high(finding["severity"].get<std::string>()) ? 1U : 0U;
  }
  ASSERT_GT(urgent, 10U);
  const std::vector<Row> rows = rows_of(s_text);
  ASSERT_FALSE(rows.empty()) << s_text;
  bool other_seen = false;
  for (const Row& row : rows) {
    if (is_critical_or_high(row.severity)) {
      EXPECT_FALSE(other_seen) << row.where << " " << row.severity << " " << row.rule
                               << " comes after a medium or low entry";
    } else {
      other_seen = true;
    }
  }
  EXPECT_TRUE(other_seen);
  // The pending migration's own findings (the change lens: how it will
  // apply) are the pull request's to-do list and come on top: an entry and
  // its rule's help and safety, at most 8 lines each.
  std::size_t pending = 0;
  for (const auto& finding : s_json["findings"]) {
    pending +=
        finding["location"].value("file", "") == "fixtures/big-history/drizzle/0119_wild_storm.sql" ? 1U : 0U;
  }
  const auto lines = static_cast<std::size_t>(std::count(s_text.begin(), s_text.end(), '\n'));
  EXPECT_LE(lines, 40 + 4 * urgent + 8 * pending)
      << lines << " lines for " << urgent << " critical and high findings and " << pending
      << " on the pending migration";
}

// Grouped entries in the text; every instance, located, in the JSON.
TEST_F(RealSizedReport, GroupsInTheTextAndKeepsEveryInstanceInTheJson) {
  std::map<std::pair<std::string, std::string>, std::size_t> in_json; // rule, severity
  for (const auto& finding : s_json["findings"]) {
    ++in_json[{finding["rule"].get<std::string>(), finding["severity"].get<std::string>()}];
  }
  std::size_t grouped = 0;
  std::size_t shown = 0;
  std::set<std::pair<std::string, std::string>> group_shapes;
  std::map<std::pair<std::string, std::string>, std::size_t> singles; // entries of one finding each
  for (const Row& row : rows_of(s_text)) {
    const std::size_t space = row.where.find(" findings");
    if (space != std::string::npos && row.where.find(':') == std::string::npos) {
      const std::pair<std::string, std::string> shape{row.rule, row.severity};
      // "53 more findings": past 20 findings that are each an action (the
      // unindexed foreign keys), the first 10 are entries and this one holds the rest.
      const bool rest = row.where.find(" more findings") != std::string::npos;
      const std::size_t count = std::stoul(row.where.substr(0, space));
      EXPECT_GT(count, 5U) << row.rule;
      const std::size_t instances = in_json[shape];
      if (rest) {
        EXPECT_EQ(row.rule, "unindexed-foreign-key");
        EXPECT_EQ(singles[shape], 10U) << row.rule;
        EXPECT_EQ(instances, singles[shape] + count) << row.rule << " " << row.severity;
      } else {
        EXPECT_NE(row.rule, "unindexed-foreign-key");
        EXPECT_EQ(instances, count) << row.rule << " " << row.severity;
      }
      EXPECT_TRUE(group_shapes.insert(shape).second) << "one entry per shape: " << row.rule;
      ++grouped;
      shown += count;
    } else {
      ++singles[{row.rule, row.severity}];
      ++shown;
    }
  }
  EXPECT_GT(grouped, 0U) << s_text;
  EXPECT_EQ(shown, s_json["findings"].size()) << "every finding is in one entry";
  EXPECT_NE(s_text.find("-v, or --rule "), std::string::npos);
}

// 63 unindexed FKs: the first 10 are entries of their own, the other 53 one
// entry, so they cannot bury another critical finding; all their DDL is one
// block.
TEST_F(RealSizedReport, UnindexedForeignKeysAreTenEntriesAndTheRestOneAndAllInOneBlock) {
  std::vector<std::string> statements;
  for (const auto& finding : s_json["findings"]) {
    if (finding["rule"] == "unindexed-foreign-key") {
      ASSERT_TRUE(finding["location"].is_object());
      statements.push_back(finding["fix"]["ddl"].get<std::string>());
    }
  }
  ASSERT_GT(statements.size(), 10U);
  std::size_t fk_rows = 0;
  std::size_t fk_rest = 0;
  for (const Row& row : rows_of(s_text)) {
    if (row.rule != "unindexed-foreign-key") {
      continue;
    }
    if (row.where.find(" more findings") != std::string::npos) {
      fk_rest += std::stoul(row.where);
    } else {
      ++fk_rows;
    }
  }
  ASSERT_GT(statements.size(), 20U);
  EXPECT_EQ(fk_rows, 10U);
  EXPECT_EQ(fk_rows + fk_rest, statements.size());
  const std::size_t block =
      s_text.find("The " + std::to_string(statements.size()) + " foreign-key indexes in one block");
  ASSERT_NE(block, std::string::npos) << s_text;
  for (const std::string& statement : statements) {
    EXPECT_NE(s_text.find("\n  " + statement + "\n", block), std::string::npos) << statement;
  }
}

TEST_F(RealSizedReport, FixLinesShowTheStatementThatDoesTheWork) {
  std::istringstream in(s_text);
  std::string line;
  std::size_t fixes = 0;
  std::string entry;
  while (std::getline(in, line)) {
    // "fix (safe): ...", "fix (unsafe: --unsafe-fixes): ..."
    const std::size_t fix = line.find("fix (");
    const std::size_t at = fix == std::string::npos ? fix : line.find("): ", fix);
    if (at == std::string::npos) {
      entry = line;
      continue;
    }
    ++fixes;
    const std::string statement = line.substr(at + 3);
    EXPECT_NE(statement.rfind("BEGIN", 0), 0U) << line;
    // A SET is a preamble, except where setting the timeouts is the fix.
    if (entry.find("  lock-timeout-missing  ") == std::string::npos) {
      EXPECT_NE(statement.rfind("SET ", 0), 0U) << line;
    }
  }
  EXPECT_GT(fixes, 10U);
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
    // Once in its entry; an unindexed FK's once more in the block of them all.
    EXPECT_GE(count_of(s_text, text), 1U) << text;
    EXPECT_LE(count_of(s_text, text), 2U) << text;
  }
}

} // namespace real_sized_report_test
