#include "core/heap_optional.hpp"
#include "core/shared_text.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>

using namespace pgadvise::core;

TEST(SharedText, LiteralIsViewedNotCopied) {
  static constexpr char k_note[] = "a fixed safety note";
  const SharedText text = k_note;
  EXPECT_EQ(text.view().data(), k_note); // same characters, no copy per finding
  EXPECT_EQ(text, "a fixed safety note");
}

TEST(SharedText, InternedTextsShareOneCopy) {
  const std::string first = std::string("CREATE INDEX CONCURRENTLY ") + "cannot run in a transaction";
  const std::string second = std::string("CREATE INDEX CONCURRENTLY cannot run ") + "in a transaction";
  const SharedText a = SharedText::interned(first);
  const SharedText b = SharedText::interned(second);
  EXPECT_EQ(a.view().data(), b.view().data());
  EXPECT_NE(a.view().data(), first.data());
  EXPECT_EQ(a, first);
  EXPECT_NE(SharedText::interned("another text").view().data(), a.view().data());
}

TEST(SharedText, AppendingCopiesAndLeavesTheSharedTextAlone) {
  const SharedText shared = SharedText::interned("It fails.");
  SharedText note = shared;
  note += " The default is dropped.";
  EXPECT_EQ(note, "It fails. The default is dropped.");
  EXPECT_EQ(shared, "It fails.");
  EXPECT_EQ(SharedText::interned("It fails.").view().data(), shared.view().data());
}

TEST(SharedText, OwnedTextSurvivesCopiesAndMoves) {
  SharedText text = std::string(100, 'x') + "y";
  SharedText copy = text;
  SharedText moved = std::move(text);
  EXPECT_EQ(copy.size(), 101U);
  EXPECT_EQ(moved, copy);
  EXPECT_NE(copy.find("y"), std::string::npos);
  EXPECT_EQ("help: " + copy, "help: " + std::string(100, 'x') + "y");
}

TEST(SharedText, IsTwoWordsAndOwnsItsCopies) {
  EXPECT_EQ(sizeof(SharedText), 16U); // a pointer and a size: two per finding at 450,000 findings
  SharedText text = std::string("owned ") + "text";
  SharedText copy = text;
  EXPECT_NE(copy.view().data(), text.view().data()); // a copy of owned text has its own characters
  text += ", appended";
  EXPECT_EQ(text, "owned text, appended");
  EXPECT_EQ(copy, "owned text");
  const SharedText& same = copy;
  copy = same;
  EXPECT_EQ(copy, "owned text");
  copy = SharedText::fixed("a view");
  EXPECT_EQ(copy, "a view");
  copy = text;
  EXPECT_EQ(copy, "owned text, appended");
  const SharedText empty = std::string();
  EXPECT_TRUE(empty.empty());
  SharedText moved_from = std::string("x");
  const SharedText taker = std::move(moved_from);
  EXPECT_EQ(taker, "x");
}

TEST(HeapOptional, CopiesAreDeepAndAbsentIsEmpty) {
  HeapOptional<std::string> none;
  EXPECT_FALSE(none);
  HeapOptional<std::string> value = std::string("pg_stats");
  HeapOptional<std::string> copy = value;
  copy->append(" row");
  EXPECT_EQ(*value, "pg_stats");
  EXPECT_EQ(*copy, "pg_stats row");
  copy.reset();
  EXPECT_FALSE(copy.has_value());
  copy = value;
  EXPECT_TRUE(copy);
}

TEST(HeapOptional, ReadsAndComparesAsStdOptional) {
  HeapOptional<std::string> none;
  EXPECT_EQ(none.value_or("-"), "-");
  HeapOptional<std::string> value = std::string("now()");
  EXPECT_EQ(value.value_or("-"), "now()");
  EXPECT_TRUE(value == std::string("now()"));
  EXPECT_FALSE(none == std::string("now()"));
  EXPECT_TRUE(none == HeapOptional<std::string>());
  EXPECT_FALSE(none == value);
  std::optional<std::string> from = "gen_random_uuid()";
  none = from;
  EXPECT_EQ(*none, "gen_random_uuid()");
  none = std::optional<std::string>();
  EXPECT_FALSE(none);
  none = "0"; // a literal is a value, not an optional
  EXPECT_TRUE(none == std::string("0"));
}
