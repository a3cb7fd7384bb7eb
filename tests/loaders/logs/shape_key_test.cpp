#include "loaders/logs/shape.hpp"

#include <gtest/gtest.h>
#include <string>

// The statement-shape key every logged statement gets (the key of the
// fingerprint cache): literals and parameters are '?', comments go,
// whitespace runs are one space; the literal values are hashed apart.
namespace shape_key_test {

using pgadvise::loaders::fast_hash;
using pgadvise::loaders::shape_key;

TEST(ShapeKey, LiteralsAndParametersAreOneShapeWithTheirValuesApart) {
  const auto one = shape_key("UPDATE pgbench_accounts SET abalance = abalance + -4474 WHERE aid = 306149;");
  const auto two = shape_key("UPDATE pgbench_accounts SET abalance = abalance + -12 WHERE aid = 7;");
  EXPECT_EQ(one.key, two.key);
  EXPECT_NE(one.literals, two.literals);
  EXPECT_EQ(shape_key("select * from t where a = $1").key, shape_key("select * from t where a = 'x'").key);
  EXPECT_EQ(shape_key("select $$a;b$$").key, shape_key("select 'z'").key);
  EXPECT_EQ(shape_key("select $tag$ it's $tag$, .5, 1.5e+10").key, shape_key("select 'q', 1, 2").key);
  // Digits inside a word are the word's.
  EXPECT_NE(shape_key("select * from t1").key, shape_key("select * from t2").key);
  EXPECT_NE(shape_key("select $a").key, shape_key("select $b").key);
}

TEST(ShapeKey, SpacesAndCommentsDoNotChangeTheShape) {
  EXPECT_EQ(shape_key("select  1 -- one\n from /* the table */ t").key, shape_key("select 2 from t").key);
  EXPECT_NE(shape_key("select 1 from t").key, shape_key("select 1 from u").key);
  std::string stripped;
  shape_key("select  1 /*x*/ from \"T\"\n\twhere a-b > $2 /* open", &stripped);
  EXPECT_EQ(stripped, "select ? from \"T\" where a-b > ?");
}

// An E'..' string ends at its closing quote, not at an escaped one; a
// plain string doubles its quotes.
TEST(ShapeKey, EscapedStringsEndAtTheirQuote) {
  std::string stripped;
  shape_key("select E'a\\'b', 'it''s', x", &stripped);
  EXPECT_EQ(stripped, "select E?, ?, x");
  shape_key("select 'a\\', x", &stripped); // no E: the backslash is a byte
  EXPECT_EQ(stripped, "select ?, x");
}

TEST(ShapeKey, LimitOffsetAndFlags) {
  const auto key = shape_key("SELECT id FROM books LIMIT 10 OFFSET 20");
  EXPECT_EQ(key.limit, 10);
  EXPECT_EQ(key.offset, 20);
  EXPECT_FALSE(key.non_ascii);
  EXPECT_FALSE(key.has_nul);
  EXPECT_FALSE(shape_key("select 1 limit $1").limit.has_value());
  EXPECT_TRUE(shape_key("select 'caf\xc3\xa9'").non_ascii);
  EXPECT_TRUE(shape_key("select \"caf\xc3\xa9\"").non_ascii);
  EXPECT_TRUE(shape_key("select caf\xc3\xa9").non_ascii);
  EXPECT_TRUE(shape_key(std::string_view("select\0 1", 9)).has_nul);
}

// Every byte of a short text counts in its hash, whatever the text's
// length modulo 8 (the last bytes are read apart from the 8-byte words).
TEST(FastHash, EveryByteOfTheTailCounts) {
  for (std::size_t size = 1; size <= 24; ++size) {
    const std::string text(size, 'a');
    for (std::size_t i = 0; i < size; ++i) {
      std::string other = text;
      other[i] = 'b';
      EXPECT_NE(fast_hash(text, 7), fast_hash(other, 7)) << size << " " << i;
    }
    EXPECT_NE(fast_hash(text, 7), fast_hash(text + '\0', 7)) << size;
  }
}

} // namespace shape_key_test
