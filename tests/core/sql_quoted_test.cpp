#include "core/sql_quoted.hpp"

#include <gtest/gtest.h>

namespace pgadvise::core {
namespace {

TEST(SqlQuoted, EndsPastTheClosingQuote) {
  EXPECT_EQ(sql_quoted_end("'abc' x", 0), 5U);
  EXPECT_EQ(sql_quoted_end("a \"My Table\".id", 2), 12U);
}

TEST(SqlQuoted, DoubledQuoteContinuesTheRun) {
  EXPECT_EQ(sql_quoted_end("'it''s' x", 0), 7U);
  EXPECT_EQ(sql_quoted_end("\"a\"\"b\"", 0), 6U);
}

TEST(SqlQuoted, BackslashEscapesOnlyWhenAsked) {
  // E'a\'b': the escaped quote does not close it.
  EXPECT_EQ(sql_quoted_end("'a\\'b' x", 0, true), 6U);
  EXPECT_EQ(sql_quoted_end("'a\\'b' x", 0, false), 4U);
}

TEST(SqlQuoted, UnclosedRunEndsAtTheText) {
  EXPECT_EQ(sql_quoted_end("'abc", 0), 4U);
  EXPECT_EQ(sql_quoted_end("'abc\\", 0, true), 5U);
}

} // namespace
} // namespace pgadvise::core
