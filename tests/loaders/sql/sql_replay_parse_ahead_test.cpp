#include "loaders/sql/replay_parse_ahead.hpp"
#include "loaders/sql/replay_tree.hpp"
#include "sql_replay_test_support.hpp"

#include <gtest/gtest.h>

namespace pgadvise::sql_replay_parse_ahead_test {

using loaders::TextSpan;
using loaders::replay::ParseAhead;

// The CREATE TABLE name in a parsed statement ("" when none).
std::string created_table(const pg::TreeParse& parsed) {
  namespace replay = loaders::replay;
  const replay::JsonItems stmts = replay::items_of(replay::child(parsed.tree.root(), "stmts"));
  const replay::Json* stmt = stmts.empty() ? nullptr : replay::child(stmts.front(), "stmt");
  const replay::Json* create = stmt != nullptr ? replay::as(*stmt, "CreateStmt") : nullptr;
  const replay::Json* relation = create != nullptr ? replay::child(*create, "relation") : nullptr;
  return relation != nullptr ? replay::range_var(*relation).name : std::string();
}

struct Script {
  std::string text;
  std::vector<TextSpan> spans;
};

Script tables(std::size_t count) {
  Script out;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string statement = "CREATE TABLE t" + std::to_string(i) + " (id int);\n";
    out.spans.push_back({out.text.size(), statement.size()});
    out.text += statement;
  }
  return out;
}

TEST(SqlReplayParseAhead, TakesEachStatementsTreeInOrderSkippingAndRepeating) {
  const Script script = tables(600);
  ParseAhead ahead(script.text, script.spans);
  EXPECT_EQ(created_table(ahead.take(0)), "t0");
  EXPECT_EQ(created_table(ahead.take(1)), "t1");
  EXPECT_EQ(created_table(ahead.take(400)), "t400"); // 2..399 dropped, past the window
  EXPECT_EQ(created_table(ahead.take(400)), "t400"); // asked again: parsed on the spot
  EXPECT_EQ(created_table(ahead.take(599)), "t599");
  EXPECT_TRUE(ahead.take(600).ok()); // past the end: an empty tree, no wait
  EXPECT_EQ(created_table(ahead.take(600)), "");
}

TEST(SqlReplayParseAhead, StopsWhenDroppedBeforeTheEnd) {
  const Script script = tables(2000);
  for (int round = 0; round < 20; ++round) {
    ParseAhead ahead(script.text, script.spans);
    EXPECT_EQ(created_table(ahead.take(3)), "t3");
  } // each destructor stops the worker, which may be mid-window
}

TEST(SqlReplayParseAhead, ALongScriptReplaysAsStatementByStatement) {
  // Long enough for the replay to parse ahead on a second thread, with the
  // statements that make it re-parse on its own: a BEGIN ATOMIC body split
  // at its inner semicolons, and a bad statement split again at ';'.
  constexpr std::size_t k_tables = 700;
  ASSERT_GT(k_tables, ParseAhead::k_min_statements);
  std::string sql;
  for (std::size_t i = 0; i < k_tables; ++i) {
    sql += "CREATE TABLE t" + std::to_string(i) + " (id int PRIMARY KEY, parent_id int);\n";
    if (i == 100) {
      sql += "CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT i + 1;\n  "
             "SELECT i + 2;\nEND;\n";
    }
    if (i == 300) {
      sql += "CREATE TABLE broken (id int REFERENCES t1 (id) MATCH FULL SOMETHING);\n";
    }
  }
  for (std::size_t i = 1; i < k_tables; ++i) {
    sql += "ALTER TABLE t" + std::to_string(i) + " ADD CONSTRAINT t" + std::to_string(i) +
           "_parent_fk FOREIGN KEY (parent_id) REFERENCES t" + std::to_string(i - 1) + " (id);\n";
  }
  const loaders::SchemaLoad load = test::replay(sql);
  EXPECT_EQ(load.catalog.tables.size(), k_tables);
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].rule, "parse-error");
  EXPECT_EQ(load.diagnostics[0].location.line, test::line_containing(sql, "MATCH FULL"));
  EXPECT_EQ(load.catalog.find_table("public", "broken"), nullptr);
  const model::Table* last = load.catalog.find_table("public", "t699");
  ASSERT_NE(last, nullptr);
  ASSERT_EQ(last->foreign_keys.size(), 1U);
  EXPECT_EQ(last->foreign_keys[0].ref_table, "t698");
  // Every table, the function (one statement), the bad one, every key.
  EXPECT_EQ(load.statements, k_tables + 1 + 1 + (k_tables - 1));
}

} // namespace pgadvise::sql_replay_parse_ahead_test
