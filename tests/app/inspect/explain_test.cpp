#include "app/inspect/explain.hpp"
#include "app/inspect/shell.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace pgadvise::app {
namespace explain_test {

namespace fs = std::filesystem;

const std::string k_app = std::string(PGADVISE_SOURCE_DIR) + "/fixtures/drizzle-app";

nlohmann::json explain_json(const std::vector<std::string>& queries, const std::string& file, int* code) {
  ExplainOptions options;
  options.advisor.paths = {k_app};
  options.queries = queries;
  options.file = file;
  options.format = app::DocumentFormat::json;
  std::ostringstream out;
  std::ostringstream err;
  *code = run_explain(options, out, err);
  EXPECT_EQ(err.str(), "");
  return nlohmann::json::parse(out.str());
}

std::set<std::string> rules_of(const nlohmann::json& statement) {
  std::set<std::string> out;
  for (const auto& finding : statement["findings"]) {
    out.insert(finding["rule"].get<std::string>());
  }
  return out;
}

TEST(Explain, FilterOnUnindexedForeignKeyColumnGetsTheIndexAndDrizzleLine) {
  int code = -1;
  const nlohmann::json doc =
      explain_json({"SELECT title FROM posts WHERE author_id = 42 LIMIT 10"}, "", &code);
  EXPECT_EQ(code, 1);
  ASSERT_EQ(doc["statements"].size(), 1U);
  const auto& statement = doc["statements"][0];
  EXPECT_EQ(statement["query"], "SELECT title FROM posts WHERE author_id = $1 LIMIT $2");
  EXPECT_EQ(statement["fingerprint"].get<std::string>().size(), 16U);
  ASSERT_EQ(rules_of(statement), (std::set<std::string>{"filter-on-unindexed-column"}));
  const auto& finding = statement["findings"][0];
  EXPECT_EQ(finding["object"]["table"], "posts");
  EXPECT_EQ(finding["object"]["columns"], nlohmann::json::array({"author_id"}));
  EXPECT_NE(finding["fix"]["ddl"].get<std::string>().find("CREATE INDEX"), std::string::npos);
  EXPECT_NE(finding["fix"]["drizzle"].get<std::string>().find("index(\"posts_author_id_idx\")"),
            std::string::npos);
}

TEST(Explain, EachStatementOfAFileIsJudgedOnItsOwn) {
  const fs::path file = fs::temp_directory_path() / ("pgadvise-explain-" + std::to_string(getpid()) + ".sql");
  {
    std::ofstream sql(file);
    sql << "SELECT * FROM users WHERE id = 1;\n"
           "SELECT id FROM users WHERE settings->>'theme' = 'dark' LIMIT 5 OFFSET 50000;\n"
           "DELETE FROM comments;\n"
           "SELECT id FROM organizations;\n"
           "SELEC broken;\n";
  }
  int code = -1;
  const nlohmann::json doc = explain_json({}, file.string(), &code);
  fs::remove(file);
  EXPECT_EQ(code, 1);
  ASSERT_EQ(doc["statements"].size(), 5U);
  EXPECT_EQ(rules_of(doc["statements"][0]), (std::set<std::string>{"select-star"}));
  EXPECT_EQ(rules_of(doc["statements"][1]),
            (std::set<std::string>{"json-in-text-column", "large-offset-pagination"}));
  EXPECT_EQ(rules_of(doc["statements"][2]), (std::set<std::string>{"update-or-delete-without-where"}));
  EXPECT_EQ(rules_of(doc["statements"][3]), (std::set<std::string>{"unbounded-select"}));
  EXPECT_TRUE(doc["statements"][4].contains("parse_error"));
  EXPECT_TRUE(doc["statements"][4]["findings"].empty());
}

TEST(Explain, NoStatementIsAUsageError) {
  ExplainOptions options;
  options.advisor.paths = {k_app};
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_explain(options, out, err), 2);
  EXPECT_NE(err.str().find("no statement"), std::string::npos);
}

// Not at a terminal, the shell reads statements (spanning lines, ended by
// `;`) and meta-commands from stdin and answers each.
TEST(Shell, ScriptedFromStdin) {
  ShellOptions options;
  options.advisor.paths = {k_app};
  std::istringstream in("SELECT title FROM posts\n  WHERE author_id = 42\n  LIMIT 10;\n\\schema invites\n"
                        "\\rules\n\\bogus\nDELETE FROM comments;\n\\q\nSELECT 1;\n");
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_shell(options, false, in, out, err), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("filter-on-unindexed-column"), std::string::npos) << text;
  EXPECT_NE(text.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_author_id_idx ON posts (author_id)"),
            std::string::npos);
  EXPECT_NE(text.find("invites_pending_invited_by_idx"), std::string::npos); // \schema invites
  EXPECT_EQ(text.find("public.users\n"), std::string::npos);                 // only that table
  EXPECT_NE(text.find("update-or-delete-without-where"), std::string::npos);
  EXPECT_NE(text.find("unknown command \\bogus"), std::string::npos);
  EXPECT_EQ(text.find("SELECT $1"), std::string::npos); // after \q nothing is read
}

} // namespace explain_test
} // namespace pgadvise::app
