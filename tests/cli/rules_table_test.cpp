// docs/rules.md's table is generated from the registry
// (scripts/update-rules-table.sh runs `pgadvise rules --format markdown`);
// this fails when a rule was added or changed without regenerating it.
#include "cli/process.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace rules_table_test {

std::string docs_table() {
  const std::string all =
      pgadvise::test::read_text(std::filesystem::path(PGADVISE_SOURCE_DIR) / "docs" / "rules.md");
  const std::string start = "<!-- rules-table:start -->\n";
  const auto begin = all.find(start);
  const auto end = all.find("<!-- rules-table:end -->");
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return {};
  }
  return all.substr(begin + start.size(), end - begin - start.size());
}

TEST(RulesTable, MatchesTheRegistry) {
  const auto listed = pgadvise::test::run_process(PGADVISE_BINARY, {"rules", "--format", "markdown"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::string table = docs_table();
  ASSERT_FALSE(table.empty()) << "docs/rules.md lacks the rules-table markers";
  EXPECT_EQ(table, listed.out) << "docs/rules.md's rules table differs from the registry: run "
                                  "scripts/update-rules-table.sh";
}

TEST(RulesTable, ListsEveryRegisteredRuleOnce) {
  const auto listed = pgadvise::test::run_process(PGADVISE_BINARY, {"rules", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::string table = docs_table();
  std::size_t rows = 0;
  for (std::size_t pos = table.find("\n| [`"); pos != std::string::npos;
       pos = table.find("\n| [`", pos + 1)) {
    ++rows;
  }
  std::size_t rules = 0;
  for (std::size_t pos = listed.out.find("\"id\":"); pos != std::string::npos;
       pos = listed.out.find("\"id\":", pos + 1)) {
    ++rules;
  }
  EXPECT_GT(rules, 10U);
  EXPECT_GE(rows, rules); // the rules, then the built-in diagnostics
}

// The README's "Rules" section names every rule (the table itself is in
// docs/rules.md), so a new rule cannot be missing from the page users read.
TEST(RulesTable, ReadmeNamesEveryRule) {
  const auto listed = pgadvise::test::run_process(PGADVISE_BINARY, {"rules", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::string readme =
      pgadvise::test::read_text(std::filesystem::path(PGADVISE_SOURCE_DIR) / "README.md");
  std::size_t named = 0;
  for (std::size_t pos = listed.out.find("\"id\": \""); pos != std::string::npos;
       pos = listed.out.find("\"id\": \"", pos + 1)) {
    const std::size_t start = pos + 7;
    const std::string id = listed.out.substr(start, listed.out.find('"', start) - start);
    EXPECT_NE(readme.find("`" + id + "`"), std::string::npos) << "README.md's Rules section lacks " << id;
    ++named;
  }
  EXPECT_GT(named, 10U);
}

} // namespace rules_table_test
