#include "loaders/sql/replay_parse_ahead.hpp"
#include "loaders/sql/script_text.hpp"
#include "sql_replay_test_support.hpp"
#include "support/files.hpp"

#include <cerrno>
#include <gtest/gtest.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace pgadvise::sql_script_text_test {

using loaders::replay::ScriptText;

// Whether the pages of [begin, end) are mapped: mincore fails with ENOMEM
// on a range that holds an unmapped page.
bool mapped(const char* begin, std::size_t length) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const auto address = reinterpret_cast<std::uintptr_t>(begin) / page * page;
  std::vector<unsigned char> pages((length + page - 1) / page + 1);
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  return ::mincore(reinterpret_cast<void*>(address), length, pages.data()) == 0;
}

std::string numbered_text(std::size_t bytes) {
  std::string text;
  for (std::size_t i = 0; text.size() < bytes; ++i) {
    text += "line " + std::to_string(i) + "\n";
  }
  text.resize(bytes);
  return text;
}

TEST(SqlScriptText, ReadsAFileAndItsErrorsAsReadFileDoes) {
  const test::TempTree dir;
  const std::string text = numbered_text(300000);
  dir.write("big.sql", text);
  const auto read = ScriptText::read(dir.root() / "big.sql", 1U << 20U);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->view(), text);
  const auto too_big = ScriptText::read(dir.root() / "big.sql", 1000);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().message, "is larger than 1000 bytes");
  const auto missing = ScriptText::read(dir.root() / "none.sql", 1000);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "does not exist");
  const auto directory = ScriptText::read(dir.root(), 1000);
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().message, "is a directory");
  dir.write("empty.sql", "");
  const auto empty = ScriptText::read(dir.root() / "empty.sql", 1000);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->view().empty());
}

TEST(SqlScriptText, ReleasesWholePagesFarEnoughBehindAndKeepsTheRest) {
  const std::string text = numbered_text(5 * ScriptText::k_release_step + 12345);
  ScriptText script(text);
  const char* start = script.view().data();
  ASSERT_TRUE(mapped(start, text.size()));
  // Less than a step behind: nothing goes.
  script.release_before(ScriptText::k_release_step + 100);
  EXPECT_EQ(script.released(), 0U);
  const std::size_t offset = 3 * ScriptText::k_release_step + 777;
  script.release_before(offset);
  EXPECT_GE(script.released(), ScriptText::k_release_step);
  EXPECT_LE(script.released(), offset - ScriptText::k_release_step);
  EXPECT_FALSE(mapped(start, script.released()));
  EXPECT_FALSE(mapped(start + script.released() - 1, 1));
  EXPECT_TRUE(mapped(start + script.released(), text.size() - script.released()));
  EXPECT_EQ(script.view().substr(script.released()), std::string_view(text).substr(script.released()));
  // Offsets only move forward: an earlier one changes nothing.
  const std::size_t released = script.released();
  script.release_before(offset - 1000);
  EXPECT_EQ(script.released(), released);
  ScriptText moved = std::move(script);
  EXPECT_EQ(moved.released(), released);
  EXPECT_EQ(moved.view().substr(text.size() - 10), std::string_view(text).substr(text.size() - 10));
}

// A script several release steps long, parsed ahead, whose statements the
// replay reads after releasing the text behind them: a bad statement near
// the end is placed at its line and column, also on a line that starts
// megabytes before it (every statement of the last part on one line).
TEST(SqlScriptText, ALongScriptReplaysTheSameWhileItsTextIsReleased) {
  std::string sql;
  std::size_t tables = 0;
  const std::string padding(200, 'x');
  while (sql.size() < 3 * ScriptText::k_release_step) {
    sql += "-- " + padding + "\nCREATE TABLE t" + std::to_string(tables++) +
           " (id int PRIMARY KEY, note text);\n";
  }
  sql += "-- pgadvise-ignore missing-primary-key: a log table\nCREATE TABLE log_lines (line text);\n";
  while (sql.size() < 4 * ScriptText::k_release_step + 100000) {
    sql += "CREATE TABLE t" + std::to_string(tables++) + " (id int PRIMARY KEY, note text); ";
  }
  const std::size_t bad = sql.size();
  sql += "CREATE TABLE broken (id int REFERENCES t1 (id) MATCH FULL SOMETHING); CREATE TABLE last_one (id "
         "int);\n";
  ASSERT_GT(tables, loaders::replay::ParseAhead::k_min_statements);
  const loaders::SchemaLoad load = test::replay(sql);
  EXPECT_EQ(load.catalog.tables.size(), tables + 2);
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].rule, "parse-error");
  const int line = test::line_containing(sql, "MATCH FULL");
  EXPECT_EQ(load.diagnostics[0].location.line, line);
  const std::size_t line_start = sql.rfind('\n', bad) + 1;
  EXPECT_GT(bad - line_start, ScriptText::k_release_step);
  const std::size_t column = sql.find("MATCH FULL SOMETHING", bad) - line_start;
  EXPECT_GE(load.diagnostics[0].location.column, static_cast<int>(bad - line_start) + 1);
  EXPECT_LE(load.diagnostics[0].location.column, static_cast<int>(column) + 1 + 20);
  const model::Table* last = load.catalog.find_table("public", "last_one");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->location.line, line);
  EXPECT_EQ(last->location.column, static_cast<int>(sql.find("CREATE TABLE last_one") - line_start) + 1);
  EXPECT_EQ(load.suppressions.size(), 1U);
}

// Each migration step keeps its statement (the evidence findings show)
// compressed, not as a view of the script: a step whose statement's pages
// the replay has given back still reads it, blanks collapsed, and so does
// the last one.
TEST(SqlScriptText, AStepReadsItsStatementAfterItsPagesAreReleased) {
  std::string sql = "CREATE TABLE parent (id int PRIMARY KEY);\n";
  std::size_t tables = 0;
  while (sql.size() < 3 * ScriptText::k_release_step) {
    sql += "CREATE TABLE t" + std::to_string(tables++) + " (id int PRIMARY KEY, parent_id int);\n";
  }
  for (std::size_t i = 0; i < tables; ++i) {
    sql += "ALTER TABLE t" + std::to_string(i) + "\n  ADD CONSTRAINT t" + std::to_string(i) +
           "_fk   FOREIGN KEY (parent_id) REFERENCES parent (id);\n";
  }
  const std::size_t first_fk = sql.find("ALTER TABLE t0\n");
  const loaders::SchemaLoad load = test::replay(sql);
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), tables);
  EXPECT_LT(first_fk + ScriptText::k_release_step, sql.size() - ScriptText::k_release_step)
      << "the first step's text is released before the replay ends";
  EXPECT_EQ(steps.front().statement,
            "ALTER TABLE t0 ADD CONSTRAINT t0_fk FOREIGN KEY (parent_id) REFERENCES parent (id)");
  EXPECT_EQ(steps.front().location.line, test::line_containing(sql, "ALTER TABLE t0\n"));
  const std::string last = std::to_string(tables - 1);
  EXPECT_EQ(steps.back().statement, "ALTER TABLE t" + last + " ADD CONSTRAINT t" + last +
                                        "_fk FOREIGN KEY (parent_id) REFERENCES parent (id)");
  EXPECT_EQ(steps[tables / 2].statement.str().find("ALTER TABLE t" + std::to_string(tables / 2) + " "), 0U);
}

} // namespace pgadvise::sql_script_text_test
