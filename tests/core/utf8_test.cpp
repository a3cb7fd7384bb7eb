#include "core/utf8.hpp"

#include <gtest/gtest.h>

using namespace pgadvise::core;

TEST(Utf8SequenceLength, MeasuresEachWellFormedLength) {
  EXPECT_EQ(utf8::sequence_length("a", 0), 1U);
  EXPECT_EQ(utf8::sequence_length("\xC3\xA9", 0), 2U);         // é
  EXPECT_EQ(utf8::sequence_length("\xE2\x82\xAC", 0), 3U);     // €
  EXPECT_EQ(utf8::sequence_length("\xF0\x9F\x98\x80", 0), 4U); // 😀
  EXPECT_EQ(utf8::sequence_length("x\xC3\xA9", 1), 2U);
}

TEST(Utf8SequenceLength, RejectsMalformedSequences) {
  EXPECT_EQ(utf8::sequence_length("\x80", 0), 0U);             // stray continuation
  EXPECT_EQ(utf8::sequence_length("\xC3", 0), 0U);             // truncated
  EXPECT_EQ(utf8::sequence_length("\xC0\x80", 0), 0U);         // overlong NUL
  EXPECT_EQ(utf8::sequence_length("\xE0\x80\x80", 0), 0U);     // overlong 3-byte
  EXPECT_EQ(utf8::sequence_length("\xED\xA0\x80", 0), 0U);     // surrogate U+D800
  EXPECT_EQ(utf8::sequence_length("\xF4\x90\x80\x80", 0), 0U); // above U+10FFFF
  EXPECT_EQ(utf8::sequence_length("\xFF", 0), 0U);
  EXPECT_EQ(utf8::sequence_length("a", 1), 0U); // past the end
}

TEST(Utf8Valid, AcceptsTextAndRejectsAnyBadByte) {
  EXPECT_TRUE(utf8::valid(""));
  EXPECT_TRUE(utf8::valid("caf\xC3\xA9 \xE2\x82\xAC"));
  EXPECT_FALSE(utf8::valid("caf\xE9"));
  EXPECT_FALSE(utf8::valid("ok\xED\xA0\x80"));
}

TEST(Utf8ReplaceInvalid, ReplacesOneByteForOneAndCounts) {
  std::string text = "a\xE9"
                     "b\xC3\xA9\xF0\x9F";
  EXPECT_EQ(utf8::replace_invalid(text), 3U);
  EXPECT_EQ(text, "a?b\xC3\xA9??");

  std::string clean = "caf\xC3\xA9";
  EXPECT_EQ(utf8::replace_invalid(clean, '_'), 0U);
  EXPECT_EQ(clean, "caf\xC3\xA9");
}

TEST(Utf8Append, EncodesEachLengthAndReplacesOutOfRange) {
  std::string out;
  utf8::append(out, 'A');
  utf8::append(out, 0xE9);
  utf8::append(out, 0x20AC);
  utf8::append(out, 0x1F600);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");

  std::string replaced;
  utf8::append(replaced, 0x110000);
  EXPECT_EQ(replaced, "\xEF\xBF\xBD");
}
