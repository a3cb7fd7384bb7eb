#include "loaders/sql/line_cursor.hpp"

#include <gtest/gtest.h>
#include <random>
#include <string>

namespace pgadvise::sql_replay_line_cursor_test {

using loaders::replay::LineCursor;

// Offsets asked forward, backward, twice, at line ends and past the text
// give what the index of every line start gives.
TEST(SqlReplayLineCursor, AgreesWithTheLineIndexInAnyOrder) {
  const std::string text = "CREATE TABLE a (\n  id int\n);\n\n\n-- note\nALTER TABLE a\n  ADD b int;\nx";
  const core::LineIndex index(text);
  const core::FilePath file("m.sql");
  LineCursor cursor(text);
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> any(0, text.size() + 3);
  for (int i = 0; i < 2000; ++i) {
    const std::size_t offset = i % 3 == 0 ? static_cast<std::size_t>(i / 3) % (text.size() + 2) : any(random);
    ASSERT_EQ(cursor.line_of(offset), index.line_of(offset)) << "offset " << offset;
    const core::SourceLocation got = cursor.locate(file, offset);
    const core::SourceLocation want = index.locate(file, offset);
    ASSERT_EQ(got.line, want.line) << "offset " << offset;
    ASSERT_EQ(got.column, want.column) << "offset " << offset;
    if (offset <= text.size()) {
      ASSERT_EQ(cursor.line_start(), offset - static_cast<std::size_t>(want.column - 1))
          << "offset " << offset;
    }
  }
}

TEST(SqlReplayLineCursor, FirstAndLastLines) {
  const std::string text = "\n\nab\n";
  LineCursor cursor(text);
  EXPECT_EQ(cursor.line_of(5), 4); // the end, after the last newline
  EXPECT_EQ(cursor.line_of(4), 3); // the last newline itself
  EXPECT_EQ(cursor.line_of(0), 1);
  EXPECT_EQ(cursor.locate(core::FilePath("f"), 3).column, 2);
  EXPECT_EQ(cursor.line_of(1), 2);
  EXPECT_EQ(LineCursor("").line_of(5), 1);
}

} // namespace pgadvise::sql_replay_line_cursor_test
